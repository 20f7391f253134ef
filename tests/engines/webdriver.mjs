// A small W3C WebDriver client over HTTP (Node's fetch), and the engines it drives: Firefox
// (Debian's firefox-esr through geckodriver, headless) and WebKitGTK (Debian's MiniBrowser
// through WebKitWebDriver, under xvfb-run). Playwright drives only its own builds of these
// engines, which cannot be downloaded here; WebDriver drives the browsers Debian ships.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

const TOOLS = process.env.AVT_TOOLS ?? join(homedir(), '.cache/async-vs-threads/tools');
/** WebKitGTK's browser for automation (package libwebkit2gtk-4.1-0). */
export const MINIBROWSER = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/**
 * The engines: how to start each one's driver, and the capabilities of a new session. The
 * Firefox profile is fresh per session (geckodriver makes one), so is MiniBrowser's
 * (automation mode keeps no data).
 */
export const ENGINES = {
  firefox: {
    name: 'Firefox',
    driver: () => {
      const path = process.env.GECKODRIVER ?? join(TOOLS, 'bin/geckodriver');
      return { command: path, args: (port) => [`--port=${port}`, '--host=127.0.0.1'], needs: [path, firefoxBinary()] };
    },
    capabilities: () => ({
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: firefoxBinary(),
        args: ['-headless', '-width=1280', '-height=900'],
        // No first-run pages, update checks or telemetry pings (nothing leaves the machine).
        prefs: {
          'browser.shell.checkDefaultBrowser': false,
          'app.update.enabled': false,
          'datareporting.policy.dataSubmissionEnabled': false,
          'toolkit.telemetry.enabled': false,
        },
      },
    }),
  },
  webkit: {
    name: 'WebKitGTK',
    // MiniBrowser needs a display: xvfb-run starts a virtual one (-a: a free number) for the
    // driver, and the browser the driver launches inherits it.
    // `wrapper`: the driver is xvfb-run's child, and is the one to stop, so that xvfb-run
    // cleans up after it (stops Xvfb, removes its temporary folder).
    driver: () => ({
      command: 'xvfb-run',
      args: (port) => ['-a', '-s', '-screen 0 1280x1024x24', 'WebKitWebDriver', `--port=${port}`],
      wrapper: true,
      needs: ['/usr/bin/xvfb-run', '/usr/bin/WebKitWebDriver', MINIBROWSER],
    }),
    capabilities: () => ({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
    }),
  },
};

function firefoxBinary() {
  return process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr';
}

/** What is missing to drive `engine` (the paths), or an empty list. */
export function missing(engine) {
  return ENGINES[engine].driver().needs.filter((p) => !existsSync(p));
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The process ids whose parent is `pid`. */
function childrenOf(pid) {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8', timeout: 5_000 })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

/** How long a WebDriver command may take when nothing longer is set (`Session.timeouts`). */
const COMMAND_MS = 30_000;
/** How long a driver may take to start its browser (a new session). */
const NEW_SESSION_MS = 90_000;

/**
 * One WebDriver request, answered within `ms` (a driver or browser that hangs fails the
 * command instead of the test run); throws with the driver's error and message.
 */
async function request(base, method, path, body, ms = COMMAND_MS) {
  let res;
  let text;
  try {
    res = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(ms),
    });
    text = await res.text();
  } catch (e) {
    if (e.name === 'TimeoutError') throw new Error(`${method} ${path}: no answer within ${ms} ms`);
    throw e;
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok || json?.value?.error) {
    const v = json?.value ?? {};
    throw new Error(`${method} ${path}: ${v.error ?? res.status}: ${String(v.message ?? '').split('\n')[0]}`);
  }
  return json.value;
}

/**
 * Starts `engine`'s driver on a free port and opens a session. Resolves to a `Session`; its
 * `quit()` ends the session and the driver (and its process group: xvfb-run's Xvfb too).
 */
export async function launch(engine, { log = () => {} } = {}) {
  const spec = ENGINES[engine];
  const lacking = missing(engine);
  if (lacking.length) throw new Error(`${spec.name} cannot be driven: missing ${lacking.join(', ')} (run .ci/setup.sh)`);
  const driver = spec.driver();
  const port = await freePort();
  const child = spawn(driver.command, driver.args(port), { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4_000)));
  let exited = null;
  const ended = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = signal ?? code;
      resolve();
    }),
  );
  // Stops the driver (a wrapper's children), waits up to 5 s for the spawned process to end,
  // then kills whatever is left of its process group.
  const kill = async () => {
    if (exited === null) {
      const pids = driver.wrapper ? childrenOf(child.pid) : [child.pid];
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {}
      }
      let timer;
      await Promise.race([ended, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
      clearTimeout(timer);
    }
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    const giveUp = Date.now() + 30_000;
    for (;;) {
      if (exited !== null) throw new Error(`the driver exited (${exited}): ${stderr.trim()}`);
      try {
        const status = await request(base, 'GET', '/status', undefined, 5_000);
        if (status.ready !== false) break;
      } catch {}
      if (Date.now() > giveUp) throw new Error(`the driver did not answer on ${base} within 30 s: ${stderr.trim()}`);
      await sleep(100);
    }
    const created = await request(base, 'POST', '/session', { capabilities: { alwaysMatch: spec.capabilities() } }, NEW_SESSION_MS);
    log(`${spec.name}: ${created.capabilities.browserName} ${created.capabilities.browserVersion}`);
    return new Session(base, created.sessionId, created.capabilities, async () => {
      await kill();
      return stderr;
    });
  } catch (e) {
    await kill();
    throw e;
  }
}

export class Session {
  /** The driver's own timeouts (`timeouts`): a command may take that long, and a little more. */
  #scriptMs = COMMAND_MS;
  #pageLoadMs = COMMAND_MS;

  constructor(base, id, capabilities, kill) {
    this.base = base;
    this.id = id;
    this.capabilities = capabilities;
    this.kill = kill;
  }

  cmd(method, path, body) {
    const ms = path.startsWith('/execute/') ? this.#scriptMs + 15_000 : path === '/url' ? this.#pageLoadMs + 15_000 : COMMAND_MS;
    return request(this.base, method, `/session/${this.id}${path}`, body, ms);
  }

  async timeouts({ script, pageLoad }) {
    await this.cmd('POST', '/timeouts', { script, pageLoad });
    this.#scriptMs = script;
    this.#pageLoadMs = pageLoad;
  }

  async goto(url) {
    await this.cmd('POST', '/url', { url });
  }

  /** Runs `fn` (a function, serialised) in the page with `args`; its return value. */
  async eval(fn, ...args) {
    return this.cmd('POST', '/execute/sync', { script: `return (${fn}).apply(null, arguments);`, args });
  }

  /**
   * Runs the async `fn` in the page and waits for its promise (through Execute Async Script:
   * the last argument is the callback). A rejection comes back as an Error.
   */
  async evalAsync(fn, ...args) {
    const out = await this.cmd('POST', '/execute/async', {
      script: `const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => (${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
          .then((value) => done({ ok: value === undefined ? null : value }), (e) => done({ rejected: String(e && e.message || e) }));`,
      args,
    });
    // Not \`error\`: that key in a value is how a driver reports its own errors.
    if (out && 'rejected' in out) throw new Error(out.rejected);
    return out?.ok;
  }

  async find(css) {
    const el = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return el[ELEMENT];
  }

  /** A real click (WebDriver Element Click: scrolled into view, hit-tested). */
  async click(css) {
    await this.cmd('POST', `/element/${await this.find(css)}/click`, {});
  }

  /** Replaces the text of the field `css`, as typed (WebDriver Element Clear, Send Keys). */
  async type(css, text) {
    const el = await this.find(css);
    await this.cmd('POST', `/element/${el}/clear`, {});
    await this.cmd('POST', `/element/${el}/value`, { text });
  }

  /** Enters the frame `css` (an <iframe>); `top()` leaves it. */
  async frame(css) {
    await this.cmd('POST', '/frame', { id: { [ELEMENT]: await this.find(css) } });
  }

  async top() {
    await this.cmd('POST', '/frame', { id: null });
  }

  /**
   * Ends the session (closing the browser), then the driver; the driver's stderr. Again is
   * harmless: a test calls it when it ends, whatever its outcome.
   */
  async quit() {
    try {
      await request(this.base, 'DELETE', `/session/${this.id}`, undefined, 15_000);
    } catch {}
    return this.kill();
  }
}
