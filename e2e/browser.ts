// E2E harness: a Vite dev server rooted at the repository (so a page can import `/src/index.ts`, or
// `/dist/index.js` after `npm run build`) and headless Chromium driven by playwright-core, with
// WebGPU on SwiftShader when the machine has no GPU. Every page records console errors, uncaught
// exceptions and failed requests, so a test can assert that a run was clean.
//
//   const e2e = await startE2E();                 // server + browser, once per test file
//   const p = await e2e.open('/e2e/pages/smoke.html');
//   const out = await p.call('runSmoke');        // awaits window.runSmoke(), returns its result
//   const v = await p.callExport('/src/index.ts', 'VERSION');   // import in the page, call or read
//   expect(p.errors()).toEqual([]);
//   await e2e.close();
import { fileURLToPath } from 'node:url';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Chromium flags for headless WebGPU without a GPU (SwiftShader). */
export const WEBGPU_ARGS = [
  '--headless=new',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export interface BrowserOptions {
  /** false: launch without `--enable-unsafe-webgpu` and without SwiftShader (the "no WebGPU" case). */
  webgpu?: boolean;
  /** Extra Chromium flags, appended. */
  args?: string[];
  /** Defaults to $CHROME_PATH, then /usr/bin/chromium. */
  executablePath?: string;
}

export async function launchBrowser(opts: BrowserOptions = {}): Promise<Browser> {
  const webgpu = opts.webgpu ?? true;
  const args = webgpu
    ? [...WEBGPU_ARGS]
    : WEBGPU_ARGS.filter((a) => a !== '--enable-unsafe-webgpu' && a !== '--enable-unsafe-swiftshader');
  if (!webgpu) args.push('--disable-gpu');
  return chromium.launch({
    executablePath: opts.executablePath ?? process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...args, ...(opts.args ?? [])],
    // Playwright adds --enable-unsafe-swiftshader itself; the no-WebGPU browser must not have it.
    ignoreDefaultArgs: webgpu ? undefined : ['--enable-unsafe-swiftshader'],
    timeout: 60_000,
  });
}

const HOST = '127.0.0.1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts the Vite dev server on a free port of 127.0.0.1 (a secure context, as WebGPU requires). */
export async function startServer(): Promise<{ server: ViteDevServer; baseUrl: string }> {
  // The port is fixed before Vite starts (not `port: 0`) because the injected /@vite/client
  // connects its websocket to the configured port; a wrong one logs console errors in every page.
  const port = await freePort();
  const server = await createServer({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    root: repoRoot,
    logLevel: 'warn',
    clearScreen: false,
    server: {
      host: HOST,
      port,
      strictPort: true,
      open: false,
      // No file watching: an edit elsewhere in the repository must not reload a page mid-test.
      watch: { ignored: ['**'] }, // (null is dropped by Vite's config merge: the watcher would stay on)
    },
    // Crawl every page's imports before answering, so a late dependency discovery cannot reload a
    // page in the middle of a test.
    optimizeDeps: { entries: ['e2e/pages/**/*.html'] },
  });
  await server.listen();
  return { server, baseUrl: `http://${HOST}:${port}` };
}

export interface E2EPage {
  page: Page;
  /** Console errors, uncaught page errors and failed requests, in arrival order. */
  errors(): string[];
  /** Every console message as `type: text`, for diagnosis. */
  logs(): string[];
  /** Waits until `window[name]` is a function, then awaits `window[name](...args)` in the page. */
  call<T = unknown>(name: string, ...args: unknown[]): Promise<T>;
  /**
   * Imports `modulePath` in the page (through Vite, e.g. '/src/index.ts' or '/dist/index.js') and
   * awaits `module[exportName](...args)`. Arguments and result must be JSON-serialisable.
   * Use this instead of writing `import()` inside a page.evaluate callback: Vitest rewrites
   * `import()` in test files to a helper that does not exist in the browser.
   */
  callExport<T = unknown>(modulePath: string, exportName: string, ...args: unknown[]): Promise<T>;
  /** Same as page.evaluate. */
  evaluate: Page['evaluate'];
  close(): Promise<void>;
}

export interface E2E {
  baseUrl: string;
  server: ViteDevServer;
  browser: Browser;
  /** Opens a fresh context + page at `path` (e.g. '/e2e/pages/smoke.html') and waits for load. */
  open(path: string): Promise<E2EPage>;
  close(): Promise<void>;
}

export async function startE2E(opts: BrowserOptions = {}): Promise<E2E> {
  const { server, baseUrl } = await startServer();
  let browser: Browser;
  try {
    browser = await launchBrowser(opts);
  } catch (e) {
    await server.close();
    throw e;
  }
  const pages: E2EPage[] = [];
  return {
    baseUrl,
    server,
    browser,
    async open(path: string) {
      const p = await openPage(browser, new URL(path, baseUrl).href);
      pages.push(p);
      return p;
    },
    async close() {
      for (const p of pages) await p.close().catch(() => {});
      await browser.close().catch(() => {});
      await server.close();
    },
  };
}

export async function openPage(browser: Browser, url: string): Promise<E2EPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  const logs: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    const line = `${m.type()}: ${m.text()}`;
    logs.push(line);
    const isFavicon404 = m.text().startsWith('Failed to load resource') && m.location().url.endsWith('/favicon.ico');
    if (m.type() === 'error' && !isFavicon404) errors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.stack ?? e.message}`));
  page.on('requestfailed', (r) => errors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  // Chromium asks for /favicon.ico on its own; its 404 says nothing about the code under test.
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`http ${r.status()}: ${r.url()}`);
  });
  page.on('crash', () => errors.push('crash: the page crashed'));
  page.setDefaultTimeout(120_000);
  await page.goto(url, { waitUntil: 'load' });
  return {
    page,
    errors: () => [...errors],
    logs: () => [...logs],
    async call<T>(name: string, ...args: unknown[]) {
      await page.waitForFunction((n) => typeof (window as any)[n] === 'function', name);
      return page.evaluate(([n, a]) => (window as any)[n](...a), [name, args] as const) as Promise<T>;
    },
    callExport<T>(modulePath: string, exportName: string, ...args: unknown[]) {
      return page.evaluate(
        async ([path, name, a]) => {
          // new Function keeps the import() out of Vitest's reach (see callExport's doc).
          const load = new Function('p', 'return import(p)') as (p: string) => Promise<Record<string, unknown>>;
          const mod = await load(path);
          const value = mod[name];
          return typeof value === 'function' ? (value as (...x: unknown[]) => unknown)(...a) : value;
        },
        [modulePath, exportName, args] as const,
      ) as Promise<T>;
    },
    evaluate: page.evaluate.bind(page) as Page['evaluate'],
    close: () => context.close(),
  };
}
