// Shared by the browser tests: the browser, signing in, axe, and a driver that works a page
// either with the pointer or with the keyboard alone.
//
// The app under test is started by tests/it/browser.rs, which passes APP_URL, APP_PASSWORD
// (every demo user's password) and CHROMIUM (the browser's path) in the environment.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

export const APP = process.env.APP_URL ?? 'http://127.0.0.1:8080';
export const PASSWORD = process.env.APP_PASSWORD ?? '';
export const CONSULTANT = 'konsulent1@demo.jobcenter.dk';
export const MANAGER = 'leder1@demo.jobcenter.dk';
export const ADMIN = 'admin@demo.jobcenter.dk';

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
};

let browser;

/** The one browser of this test file (closed by `closeBrowser`). */
export async function launch() {
  browser ??= await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  return browser;
}

export async function closeBrowser() {
  await browser?.close();
  browser = undefined;
}

/**
 * A fresh page (its own cookies) at a viewport. axe is injected past the app's Content
 * Security Policy, which allows no script but the app's own.
 */
export async function newPage(viewport) {
  const context = await (await launch()).newContext({
    viewport: VIEWPORTS[viewport],
    locale: 'da-DK',
    bypassCSP: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

export async function signIn(page, email) {
  await page.goto(`${APP}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form button[type=submit]')]);
}

/** The signed-in person's name, as the header shows it. */
export async function ownName(page) {
  const text = await page.locator('.who-name').first().innerText();
  return text.replace(/\s*\(.*\)\s*$/, '').trim();
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** Runs axe on the page as it is; fails with every violation and where it is. */
export async function assertAccessible(page, what) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  const found = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n    ')}`,
  );
  assert.deepEqual(found, [], `axe found violations on ${what} (${page.url()}):\n${found.join('\n')}`);
}

/** Today in the app's time zone, as yyyy-mm-dd. */
export function isoDate(days = 0) {
  const d = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen' }).format(d);
}

/**
 * Works a page with the pointer or, with `keyboard`, only with Tab, Shift+Tab, Enter, Space
 * and the arrow keys: every control it touches must be reachable in the tab order.
 */
export class Driver {
  constructor(page, keyboard) {
    this.page = page;
    this.keyboard = keyboard;
  }

  /** Tabs forward until the focused element matches `selector`; fails after `limit` steps. */
  async tabTo(selector, limit = 120) {
    const target = this.page.locator(selector).first();
    await target.waitFor({ state: 'attached' });
    for (let i = 0; i < limit; i++) {
      if (await target.evaluate((el) => el === document.activeElement)) return;
      await this.page.keyboard.press('Tab');
    }
    assert.fail(`${selector} cannot be reached with Tab on ${this.page.url()}`);
  }

  /** Follows a link or presses a button (Enter), waiting for the next page when it loads one. */
  async press(selector) {
    const navigation = this.page.waitForNavigation({ waitUntil: 'load' });
    if (this.keyboard) {
      await this.tabTo(selector);
      await this.assertFocusVisible();
      await this.page.keyboard.press('Enter');
    } else {
      await this.page.locator(selector).first().click();
    }
    await navigation;
  }

  async fill(selector, text) {
    if (this.keyboard) {
      await this.tabTo(selector);
      await this.assertFocusVisible();
    }
    await this.page.locator(selector).first().fill(text);
  }

  /** Picks the option labelled `label`: with the keyboard, arrow down the focused list to it. */
  async select(selector, label) {
    const list = this.page.locator(selector).first();
    if (this.keyboard) {
      await this.tabTo(selector);
      await this.assertFocusVisible();
      for (let i = 0; i < 20; i++) {
        const shown = await list.evaluate((el) => el.options[el.selectedIndex]?.text.trim());
        if (shown === label) break;
        await this.page.keyboard.press('ArrowDown');
      }
    } else {
      await list.selectOption({ label });
    }
    const shown = await list.evaluate((el) => el.options[el.selectedIndex]?.text.trim());
    assert.equal(shown, label, `${selector} shows ${shown}`);
  }

  async check(selector) {
    if (this.keyboard) {
      await this.tabTo(selector);
      await this.page.keyboard.press('Space');
    } else {
      await this.page.locator(selector).first().check();
    }
    assert.ok(await this.page.locator(selector).first().isChecked(), `${selector} is not checked`);
  }

  /** Chooses a radio button: with the keyboard, Tab into its group and arrow to it. */
  async choose(selector) {
    const radio = this.page.locator(selector).first();
    if (this.keyboard) {
      const name = await radio.getAttribute('name');
      await this.tabTo(`input[type=radio][name="${name}"]:checked, input[type=radio][name="${name}"]`);
      for (let i = 0; i < 12 && !(await radio.isChecked()); i++) {
        await this.page.keyboard.press('ArrowDown');
      }
    } else {
      await radio.check();
    }
    assert.ok(await radio.isChecked(), `${selector} is not chosen`);
  }

  /** The focused element shows it: an outline or a box shadow that is not none. */
  async assertFocusVisible() {
    const style = await this.page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return { outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow };
    });
    const visible = (style.outline !== 'none' && style.width !== '0px') || style.shadow !== 'none';
    assert.ok(visible, `the focused element shows no focus on ${this.page.url()}: ${JSON.stringify(style)}`);
  }
}
