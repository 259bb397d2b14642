// Opens the built book (target/book) in headless Chromium, as a reader
// would, and checks what they see:
//   - every chapter in SUMMARY.md renders with its title and code blocks,
//     and every teaching chapter shows its lesson command;
//   - no page logs a JavaScript error or fails to load a resource;
//   - the search box finds "chunked";
//   - the theme switch works;
// and saves screenshots of the first lesson chapter in the light and dark
// themes under target/screenshots/ for a reviewer to look at.
//
// Usage (after `mdbook build`): node tests/browser/check-book.mjs
// Needs Chromium at /usr/bin/chromium (Debian's `chromium` package) or
// $CHROMIUM. It serves the book itself on 127.0.0.1 (an OS-chosen port).

import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, extname, normalize, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bookDir = join(repo, "target", "book");
const shotDir = join(repo, "target", "screenshots");
const searchTerm = process.env.SEARCH_TERM ?? "chunked";
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

const failures = [];
const fail = (message) => {
  failures.push(message);
  console.log(`FAIL ${message}`);
};
const pass = (message) => console.log(`ok   ${message}`);

// The chapters, in order, from SUMMARY.md: numbered ones are teaching chapters.
async function chapters() {
  const summary = await readFile(join(repo, "book", "SUMMARY.md"), "utf8");
  const found = [];
  for (const line of summary.split("\n")) {
    const match = line.match(/^\s*(- )?\[([^\]]+)\]\(([^)]+)\.md\)/);
    if (match) {
      // A chapter's exercises page (lessonNN-exercises) runs no lesson.
      const teaching = !!match[1] && !match[3].endsWith("-exercises");
      found.push({ title: match[2], page: `${match[3]}.html`, teaching });
    }
  }
  return found;
}

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".png": "image/png",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".ico": "image/x-icon",
};

function serveBook() {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    let file = normalize(join(bookDir, path));
    if (!file.startsWith(bookDir)) {
      response.writeHead(403).end();
      return;
    }
    if (path.endsWith("/")) file = join(file, "index.html");
    try {
      const body = await readFile(file);
      const type = types[extname(file)] ?? "application/octet-stream";
      response.writeHead(200, { "content-type": type }).end(body);
    } catch {
      response.writeHead(404).end("not found");
    }
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

// Opens the theme menu (the paintbrush) and picks a theme, as a reader does.
async function chooseTheme(page, theme) {
  const choice = page.locator(`#mdbook-theme-${theme}`);
  if (!(await choice.isVisible())) await page.click("#mdbook-theme-toggle");
  await choice.click();
  // Close the menu again if it stayed open, so screenshots show the page.
  if (await choice.isVisible()) await page.click("#mdbook-theme-toggle");
}

async function main() {
  if (!existsSync(join(bookDir, "index.html"))) {
    throw new Error(`no book in ${bookDir}: run mdbook build first`);
  }
  const server = await serveBook();
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath,
    // Playwright starts Chromium with a fresh, empty profile of its own.
    headless: true,
    timeout: 60_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    // The book must not reach out anywhere: block every request that is
    // not to our own server, and count it as a failure.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(base)) return route.continue();
      fail(`a page requested an outside address: ${url}`);
      return route.abort();
    });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(`JavaScript error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console error: ${message.text()}`);
    });
    page.on("response", (response) => {
      if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
    });

    const list = await chapters();
    if (list.length === 0) fail("SUMMARY.md lists no chapters");
    for (const chapter of list) {
      errors.length = 0;
      await page.goto(`${base}/${chapter.page}`, { waitUntil: "load" });
      const heading = (await page.locator("main h1").first().textContent())?.trim() ?? "";
      const codeBlocks = await page.locator("main pre code").count();
      const text = await page.locator("main").innerText();
      const images = await page.locator("main img").evaluateAll((imgs) =>
        imgs.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src),
      );
      const problems = [];
      if (heading !== chapter.title) problems.push(`title is "${heading}"`);
      if (codeBlocks === 0) problems.push("no code blocks");
      if (chapter.teaching && !/cargo run --bin lesson\d\d/.test(text)) {
        problems.push("no lesson command");
      }
      if (text.includes("{{#include")) problems.push("an unexpanded {{#include}}");
      // Code must fit the page on a laptop screen: no sideways scrolling.
      const wide = await page.locator("main pre, main pre > code").evaluateAll((blocks) =>
        blocks
          .filter((pre) => pre.scrollWidth > pre.clientWidth + 1)
          .map((pre) => {
            const lines = pre.innerText.split("\n");
            const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), "");
            return `${longest.length} chars: ${longest.trim().slice(0, 60)}`;
          }),
      );
      for (const line of wide) problems.push(`a code block scrolls sideways (${line})`);
      for (const src of images) problems.push(`image did not load: ${src}`);
      problems.push(...errors);
      if (problems.length) fail(`${chapter.page}: ${problems.join("; ")}`);
      else pass(`${chapter.page}: "${heading}", ${codeBlocks} code blocks`);
    }

    // Search: open the search bar, type, and expect results.
    await page.goto(`${base}/index.html`, { waitUntil: "load" });
    await page.click("#mdbook-search-toggle");
    // mdBook searches on key presses, so type like a reader rather than fill.
    await page.locator("#mdbook-searchbar").pressSequentially(searchTerm);
    // mdBook fills the header with "N search results for ..." (or "No
    // search results") once its index has loaded and the search has run.
    const header = page.locator("#mdbook-searchresults-header");
    await page.waitForFunction(
      () => document.querySelector("#mdbook-searchresults-header")?.textContent.trim(),
    );
    const said = (await header.textContent()).trim();
    const hits = await page.locator("#mdbook-searchresults li a").count();
    if (hits > 0 && !said.startsWith("No")) pass(`search for "${searchTerm}": ${said}`);
    else fail(`search for "${searchTerm}" found nothing (${said})`);

    // Theme switch, and screenshots of the first lesson chapter.
    const first = list.find((chapter) => chapter.teaching);
    if (first) {
      await mkdir(shotDir, { recursive: true });
      await page.goto(`${base}/${first.page}`, { waitUntil: "load" });
      await chooseTheme(page, "light");
      await page.screenshot({ path: join(shotDir, "lesson-chapter-light.png"), fullPage: true });
      await chooseTheme(page, "navy");
      const classes = await page.evaluate(() => document.documentElement.className);
      if (classes.split(" ").includes("navy")) pass("the theme switch changes to navy");
      else fail(`after choosing navy the page's classes are "${classes}"`);
      await page.screenshot({ path: join(shotDir, "lesson-chapter-dark.png"), fullPage: true });
      pass(`screenshots of ${first.page} in ${shotDir}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(failures.length ? `\n${failures.length} failed` : "\nthe book renders as it should");
  process.exit(failures.length ? 1 : 0);
}

main().catch((error) => {
  console.error(`check-book: ${error.message}`);
  process.exit(2);
});
