/** smtp-probe's version, from package.json (inlined by the bundler). */
import packageJson from '../package.json' with { type: 'json' };

export const version: string = packageJson.version;
