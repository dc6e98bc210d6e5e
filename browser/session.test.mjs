// The session's end, as a user meets it: typed text comes back after signing out in another
// tab; the page warns two minutes before the idle timeout and offers to stay signed in
// (WCAG 2.2.1); typing on the page keeps the session alive without asking.
//
// The idle timeout is thirty minutes: the page's clock is moved on (Playwright's fake timers),
// and what the server says is left is answered by the test where a real wait would be needed.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { APP, CONSULTANT, PASSWORD, assertAccessible, closeBrowser, newPage, signIn } from './lib.mjs';

after(closeBrowser);

/** Answers the page's "how long is left?" with `seconds` until `unroute` is called. */
async function sessionLeft(page, seconds) {
  const handler = (route) => route.fulfill({ json: { seconds_left: seconds, ends_at: seconds ? '14:35' : null } });
  await page.route('**/session', handler);
  return () => page.unroute('**/session', handler);
}

describe('the session', () => {
  for (const viewport of ['phone', 'desktop']) {
    test(`a form sent after signing out in another tab comes back filled in (${viewport})`, async () => {
      const page = await newPage(viewport);
      await signIn(page, CONSULTANT);
      await page.goto(`${APP}/companies/new`);
      const name = `Tilbage igen ApS ${viewport}`;
      await page.fill('#name', name);
      await page.fill('#notes', 'Lang note, skrevet\npå to linjer & med <tegn>.');

      const other = await page.context().newPage();
      await other.goto(`${APP}/`);
      await Promise.all([other.waitForURL(/\/login/), other.click('form[action="/logout"] button')]);

      await Promise.all([page.waitForURL(/\/login/), page.click('main form[method="post"] button[type=submit]')]);
      assert.match(await page.locator('main').innerText(), /Det, du skrev, er ikke tabt/);
      await page.fill('#email', CONSULTANT);
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(/\/companies\/new/), page.click('main form button[type=submit]')]);
      assert.equal(await page.inputValue('#name'), name);
      assert.equal(await page.inputValue('#notes'), 'Lang note, skrevet\npå to linjer & med <tegn>.');
      assert.match(await page.locator('main').innerText(), /Du blev logget ud, før det blev gemt/);
      await assertAccessible(page, 'a form put back after signing in');
      await page.context().close();
    });
  }

  test('the page says when the session ends, warns two minutes before, and can stay signed in', async () => {
    const page = await newPage('phone');
    await page.clock.install();
    await signIn(page, CONSULTANT);
    await page.goto(`${APP}/`);
    assert.match(await page.locator('#session-ends').innerText(), /^Du logges ud kl\. \d\d:\d\d, hvis du ikke bruger systemet\.$/);
    const warning = page.locator('#session-warning');
    assert.equal(await warning.isVisible(), false);

    const unroute = await sessionLeft(page, 100);
    await page.clock.fastForward('28:10');
    await warning.waitFor({ state: 'visible' });
    assert.match(await warning.innerText(), /Du bliver snart logget ud/);
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
    assert.equal(focused, 'Bliv logget ind', 'the warning takes the focus');
    await assertAccessible(page, 'the warning before the idle timeout');

    // Staying signed in with the keyboard asks the server for thirty more minutes.
    await unroute();
    const [stay] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/session/keep-alive')),
      page.keyboard.press('Enter'),
    ]);
    assert.equal((await stay.json()).seconds_left, 1800);
    await warning.waitFor({ state: 'hidden' });
    await page.context().close();
  });

  test('typing on the page keeps the session alive without a warning', async () => {
    const page = await newPage('desktop');
    await page.clock.install();
    await signIn(page, CONSULTANT);
    await page.goto(`${APP}/companies/new`);
    await page.fill('#name', 'Skriver stadig');
    await page.keyboard.type(' og skriver');
    const unroute = await sessionLeft(page, 100);
    const [kept] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/session/keep-alive')),
      page.clock.fastForward('28:10'),
    ]);
    assert.equal((await kept.json()).seconds_left, 1800);
    assert.equal(await page.locator('#session-warning').isVisible(), false);
    await unroute();
    await page.context().close();
  });

  test('a session that has ended says so and offers to sign in again', async () => {
    const page = await newPage('phone');
    await page.clock.install();
    await signIn(page, CONSULTANT);
    await page.goto(`${APP}/follow-ups`);
    await sessionLeft(page, 0);
    await page.clock.fastForward('28:10');
    const signInAgain = page.locator('#session-warning a[data-sign-in]');
    await signInAgain.waitFor({ state: 'visible' });
    assert.match(await page.locator('#session-warning').innerText(), /Du er logget ud/);
    assert.equal(await signInAgain.getAttribute('href'), '/login?next=%2Ffollow-ups');
    await assertAccessible(page, 'the notice that the session has ended');
    await page.context().close();
  });
});
