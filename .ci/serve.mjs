// Serves the release bundle (dist/) as static files on 127.0.0.1, the way any
// static host would: the headers from dist/_headers, index.html for the app's
// routes (/kiosk, /crew, ...), the build's Brotli copy (name.br) when the
// browser accepts br, else gzip when it asks for it.
//   node .ci/serve.mjs [dist] [port]      (port 0 picks a free one)
// With COUCH_URL set (http://127.0.0.1:5984), /couchdb/... is passed to that
// CouchDB-protocol server: the app and its sync server share one origin, as
// behind a production reverse proxy, so no CORS is needed.
import { createServer, request as forward } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, normalize, extname } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = process.argv[2] || 'dist';
const port = Number(process.argv[3] ?? process.env.PORT ?? 8080);
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.webmanifest', '.svg', '.txt']);

// dist/_headers: "/path" lines, then indented "Name: value" lines ("/*" = every path).
function loadHeaders() {
  const rules = [];
  const file = join(root, '_headers');
  if (!existsSync(file)) return rules;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    if (!/^\s/.test(line)) rules.push({ path: line.trim(), headers: [] });
    else if (rules.length) {
      const at = line.indexOf(':');
      rules.at(-1).headers.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
    }
  }
  return rules;
}
// Read again whenever a build rewrites it: its CSP names the inline
// scripts by hash, and a stale one leaves a rebuilt app a blank page.
let headerRules = loadHeaders();
let headersRead = headersStamp();
function headersStamp() {
  const file = join(root, '_headers');
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}
function currentHeaderRules() {
  const stamp = headersStamp();
  if (stamp !== headersRead) {
    headerRules = loadHeaders();
    headersRead = stamp;
  }
  return headerRules;
}
const gzipCache = new Map();

const couch = process.env.COUCH_URL ? new URL(process.env.COUCH_URL) : null;

function proxy(req, res) {
  const upstream = forward({
    hostname: couch.hostname, port: couch.port, method: req.method,
    path: req.url.replace(/^\/couchdb/, '') || '/',
    headers: { ...req.headers, host: couch.host },
  }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end('{"error":"unreachable","reason":"the sync server does not answer"}');
  });
  req.pipe(upstream);
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (couch && (url.pathname === '/couchdb' || url.pathname.startsWith('/couchdb/'))) return proxy(req, res);
  let path = decodeURIComponent(url.pathname);
  if (path.endsWith('/')) path += 'index.html';
  let file = normalize(join(root, path));
  if (!file.startsWith(normalize(root))) { res.writeHead(403).end(); return; }
  if (!existsSync(file) || !statSync(file).isFile()) {
    // An app route (no file extension) gets its shell: a folder's own index.html
    // (the kiosk's /kiosk), else the main app's; a missing asset is a 404.
    if (extname(path)) { res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found'); return; }
    const own = normalize(join(root, path, 'index.html'));
    path = own.startsWith(normalize(root)) && existsSync(own) ? `${path.replace(/\/$/, '')}/index.html` : '/index.html';
    file = join(root, path);
  }
  const headers = { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' };
  for (const rule of currentHeaderRules()) {
    if (rule.path === '/*' || rule.path === path) for (const [k, v] of rule.headers) headers[k] = v;
  }
  let body = readFileSync(file);
  const accepts = req.headers['accept-encoding'] || '';
  // Only a copy written after the file (a file replaced by hand keeps none).
  const brotli = `${file}.br`;
  const fresh = existsSync(brotli) && statSync(brotli).mtimeMs >= statSync(file).mtimeMs;
  if (COMPRESSIBLE.has(extname(file)) && /\bbr\b/.test(accepts) && fresh) {
    body = readFileSync(brotli);
    headers['Content-Encoding'] = 'br';
    headers['Vary'] = 'Accept-Encoding';
  } else if (COMPRESSIBLE.has(extname(file)) && /\bgzip\b/.test(accepts)) {
    const key = `${file}:${statSync(file).mtimeMs}`;
    if (!gzipCache.has(key)) gzipCache.set(key, gzipSync(body, { level: 9 }));
    body = gzipCache.get(key);
    headers['Content-Encoding'] = 'gzip';
    headers['Vary'] = 'Accept-Encoding';
  }
  headers['Content-Length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`gridcare: serving ${root} at http://127.0.0.1:${server.address().port}/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
