// Bundle the extension and vscode-languageclient into dist/extension.js.
// `--production` minifies and drops the source map (what goes into the .vsix).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');

await esbuild.build({
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
    logLevel: 'warning',
});
console.log(`dist/extension.js built${production ? ' (production)' : ''}`);
