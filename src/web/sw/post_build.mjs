// Trunk post-build hook (see Trunk.toml). Runs in Trunk's staging directory once
// the hashed files are written:
//  1. fills sw.js with this build's id and the list of files to precache, so the
//     app shell works offline and each build gets a cache of its own;
//  2. writes `_headers` with a Content-Security-Policy that allows exactly the
//     inline script Trunk generated (by its hash) and nothing else inline;
//  3. writes a Brotli copy (`name.br`) beside every text and wasm file, for a
//     static host to serve as it is (docs/deploy.md): a quarter smaller than
//     gzip -9 for the wasm, and compressed once here at the highest quality
//     rather than per request.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib } from 'node:zlib';
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('TRUNK_STAGING_DIR is not set: run this through trunk build');

const EXCLUDED = new Set(['sw.js', '_headers']);
// What a browser may be sent compressed (images and gzip files already are).
const COMPRESSIBLE = /\.(html|js|mjs|css|wasm|json|webmanifest|svg|txt)$/;
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
const files = walk(staging)
  .map((path) => relative(staging, path).split(sep).join('/'))
  .filter((name) => !EXCLUDED.has(name) && !name.endsWith('.br'))
  .sort();

const buildHash = createHash('sha256');
for (const name of files) buildHash.update(name).update(readFileSync(join(staging, name)));
const buildId = buildHash.digest('hex').slice(0, 16);

const swPath = join(staging, 'sw.js');
const sw = readFileSync(swPath, 'utf8')
  .replace('__GRIDCARE_BUILD_ID__', buildId)
  .replace('__GRIDCARE_PRECACHE__', JSON.stringify(files.map((name) => `/${name}`)));
writeFileSync(swPath, sw);

// Every shell: the main app, the kiosk's home (copied to kiosk/) and the
// whole kiosk (kiosk/app/).
const shells = ['index.html', 'kiosk/index.html', 'kiosk/app/index.html'];
const html = shells.map((name) => readFileSync(join(staging, name), 'utf8')).join('\n');
const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
const scriptHashes = inlineScripts.map((body) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`);
const csp = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${scriptHashes.join(' ')}`.trim(),
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
writeFileSync(join(staging, '_headers'), [
  '/*',
  `  Content-Security-Policy: ${csp}`,
  '  X-Content-Type-Options: nosniff',
  '  Referrer-Policy: no-referrer',
  '  Permissions-Policy: geolocation=(), microphone=()',
  '/sw.js',
  '  Cache-Control: no-cache',
  '/index.html',
  '  Cache-Control: no-cache',
  // Its name carries no hash: a new build's precache must not take an
  // older model from the HTTP cache.
  '/model.json.gz',
  '  Cache-Control: no-cache',
  // Nor do the helper workers' (Trunk names them by their binary): halves
  // of two builds would never say "ready".
  ...files.filter((name) => /^gridcare-[a-z-]*worker[^/]*$/.test(name)).flatMap((name) => [`/${name}`, '  Cache-Control: no-cache']),
  ...shells.slice(1).flatMap((name) => [`/${name}`, '  Cache-Control: no-cache']),
  '',
].join('\n'));
console.log(`gridcare: build ${buildId}, ${files.length} files precached, ${scriptHashes.length} inline script(s) hashed`);

// Quality 11 with a window the size of the largest module: about 12 s for
// the staff module, the files compressed side by side on libuv's thread
// pool (four threads; the machine's cores set the pace).
const compress = promisify(brotliCompress);
const compressible = [...files, 'sw.js'].filter((name) => COMPRESSIBLE.test(name));
let before = 0, after = 0;
await Promise.all(compressible.map(async (name) => {
  const body = readFileSync(join(staging, name));
  const br = await compress(body, {
    params: {
      [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
      [zlib.BROTLI_PARAM_LGWIN]: zlib.BROTLI_MAX_WINDOW_BITS,
      [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  before += body.length;
  after += br.length;
  writeFileSync(join(staging, `${name}.br`), br);
}));
console.log(`gridcare: ${compressible.length} Brotli copies, ${(before / 1e6).toFixed(2)} → ${(after / 1e6).toFixed(2)} MB`);
