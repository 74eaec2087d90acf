// Bundle the viewer: src/main.js (+ ol/ol.css, src/viewer.css) → ../static/build/, and the
// place picker of the report form: src/picker.js (+ ol/ol.css) → picker.js, picker.css.
// Writes the bundles and manifest.json (SHA-256 of each file, which the
// Flask page uses as a cache-busting version). Deterministic: no timestamps, no
// absolute paths, the output directory is emptied first.

import {build} from 'esbuild';
import {createHash} from 'node:crypto';
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, '..', 'static', 'build');
const files = ['viewer.js', 'viewer.css', 'picker.js', 'picker.css'];

const started = performance.now();
await rm(outdir, {recursive: true, force: true});
await mkdir(outdir, {recursive: true});
await build({
  absWorkingDir: here,
  entryPoints: {viewer: 'src/main.js', picker: 'src/picker.js'},
  outdir,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15', 'edge100'],
  charset: 'utf8',
  legalComments: 'eof',
  sourcemap: false,
  logLevel: 'warning',
});

const manifest = {files: {}};
for (const name of files) {
  const content = await readFile(join(outdir, name));
  manifest.files[name] = {
    sha256: createHash('sha256').update(content).digest('hex'),
    bytes: content.length,
  };
}
await writeFile(join(outdir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

const seconds = ((performance.now() - started) / 1000).toFixed(2);
for (const [name, {bytes}] of Object.entries(manifest.files)) {
  console.log(`${name.padEnd(12)} ${(bytes / 1024).toFixed(1).padStart(7)} KiB`);
}
console.log(`built into web/static/build/ in ${seconds} s`);
