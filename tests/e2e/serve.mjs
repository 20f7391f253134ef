// Serves dist/ with the response headers from dist/_headers (copied from www/_headers): the
// headers a real host sends, so tests see the page as visitors do.
// Usage: node tests/e2e/serve.mjs [port]  (prints the URL when listening).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../dist/', import.meta.url));
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.py': 'text/x-python; charset=utf-8',
};

/** Stops listening and ends every connection (a browser's kept-alive ones would hold it open). */
function close(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Parses the `/*` block of a Netlify/Cloudflare `_headers` file. */
export async function readHeaders(dir = root) {
  const text = await readFile(join(dir, '_headers'), 'utf8');
  const headers = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^\s+([A-Za-z-]+):\s*(.+?)\s*$/);
    if (m) headers[m[1]] = m[2];
  }
  return headers;
}

/**
 * Starts the server; resolves to { url, close }. `headers` replace the `_headers` ones (for
 * tests: `{}` is a host that sends none, as GitHub Pages).
 */
export async function serve({ port = 0, headers } = {}) {
  const sent = headers ?? (await readHeaders());
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store', ...sent });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...sent }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  return { url, close: () => close(server) };
}

/**
 * Serves HTML pages (embedding pages: blog posts) with no special headers, on another site
 * than the playground's (`localhost`, not 127.0.0.1), as a blog is. `add(name, html)` serves
 * a page and returns its URL.
 */
export async function serveBlog() {
  const pages = new Map();
  const server = createServer((req, res) => {
    const body = pages.get(new URL(req.url, 'http://x').pathname);
    res.writeHead(body ? 200 : 404, { 'Content-Type': types['.html'] }).end(body ?? 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://localhost:${server.address().port}/`;
  return {
    url,
    add(name, html) {
      pages.set(`/${name}`, html);
      return url + name;
    },
    close: () => close(server),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await serve({ port: Number(process.argv[2] ?? 8080) });
  console.log(`serving dist/ at ${url}`);
}
