// Bundles the CLI into one ESM file: loading commander and chalk as separate
// modules costs ~95 ms per run, one bundle ~10 ms. ora is imported lazily and
// lands in its own chunk, loaded only when a spinner is shown.
import { build } from 'esbuild';

const shared = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist',
  splitting: true,
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  // Some bundled CommonJS helpers call require(); give the ESM output one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};

await build({
  ...shared,
  entryPoints: { 'smtp-probe': 'bin/smtp-probe.ts' },
});

// The demo and the benchmark are developer tools: bundled apart so that their
// dependencies (smtp-server, the certificate maker) never reach the CLI bundle.
await build({
  ...shared,
  entryPoints: { demo: 'test/demo/demo.ts', bench: 'test/bench/bench.ts' },
  outdir: 'dist',
  splitting: false,
  sourcemap: false,
  external: ['smtp-server', '@peculiar/x509'],
});
