// Bundles the CLI into one ESM file: loading commander and chalk as separate
// modules costs ~95 ms per run, one bundle ~10 ms. ora is imported lazily and
// lands in its own chunk, loaded only when a spinner is shown; so does
// src/cli/lazy.ts, everything a plain probe does not need. Every further
// dynamic import makes more shared chunks, each a file to load at start-up.
import { build } from 'esbuild';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const shared = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // Some bundled CommonJS code calls require(); give the ESM output one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};

// Chunk names change with their content: old ones would linger and be packed.
rmSync('dist', { recursive: true, force: true });

const cli = await build({
  ...shared,
  entryPoints: { 'smtp-probe': 'bin/smtp-probe.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
});
writeNotices(cli.metafile);

// The demo, the benchmark and the flood test are developer tools, kept out of the package:
// their dependencies (smtp-server, the certificate maker) stay external.
await build({
  ...shared,
  entryPoints: {
    demo: 'test/demo/demo.ts',
    bench: 'test/bench/bench.ts',
    flood: 'test/bench/flood.ts',
  },
  outdir: 'dist/dev',
  external: ['smtp-server', '@peculiar/x509'],
});

// The bundle carries code of other packages; their licences go with it.
function writeNotices(metafile) {
  const packages = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const input of Object.keys(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match) packages.add(match[1]);
    }
  }

  const sections = [...packages].sort().map((name) => {
    const dir = join('node_modules', name);
    const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((entry) => /^licen[cs]e/i.test(entry));
    const text = file && existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : '';
    return `## ${name} ${version} (${license})\n\n${text.trim()}\n`;
  });
  const intro = '# Third-party notices\n\nThe smtp-probe bundle includes these packages.\n';
  writeFileSync('dist/THIRD-PARTY-NOTICES.md', [intro, ...sections].join('\n'));
}
