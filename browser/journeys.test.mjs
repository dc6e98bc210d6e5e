// The journeys the product lives by, in Chromium on a phone and a desktop, each once with
// the pointer and once with the keyboard alone; every page a journey passes is checked by axe.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  APP, CONSULTANT, MANAGER, Driver, assertAccessible, closeBrowser, isoDate, newPage, ownName, signIn,
} from './lib.mjs';

after(closeBrowser);

const runs = [
  ['phone', false],
  ['desktop', false],
  ['phone', true],
  ['desktop', true],
];

/** A label for one run, and a word that makes what it writes its own. */
const tag = (viewport, keyboard) => `${viewport}${keyboard ? ' keyboard' : ''}`;
const mark = (viewport, keyboard) => `${viewport}-${keyboard ? 'tastatur' : 'mus'}-${Date.now() % 100000}`;

for (const [viewport, keyboard] of runs) {
  describe(`journeys (${tag(viewport, keyboard)})`, () => {
    test('a consultant finds a company, logs a visit with a follow-up and sees it', async () => {
      const page = await newPage(viewport);
      const d = new Driver(page, keyboard);
      const m = mark(viewport, keyboard);
      await signIn(page, CONSULTANT);

      await d.press('nav a[href="/companies"]');
      await assertAccessible(page, 'the company list');
      const name = (await page.locator('table.stack tbody tr td a').first().innerText()).trim();
      const word = name.split(/\s+/).find((w) => w.length >= 4) ?? name;
      await d.fill('#q', word);
      await d.press('form[role=search] button[type=submit]');
      assert.match(await page.title(), /Virksomheder/);
      await d.press(`table.stack a:text-is("${name}")`);
      assert.equal(await page.locator('h1').first().innerText(), name);
      await assertAccessible(page, 'a company page');

      await d.press('a.button[href^="/activities/new?company="]');
      await assertAccessible(page, 'the activity form');
      await d.choose('#kind-visit');
      await d.fill('#occurred_on', isoDate());
      await d.fill('#summary', `Besøg hos virksomheden (${m}): talte om småjob i lageret.`);
      await d.fill('#follow_up_on', isoDate(7));
      await d.fill('#follow_up_note', `Ring om småjob ${m}`);
      await d.press('form[action="/activities"] button[type=submit]');

      await page.waitForSelector(`text=talte om småjob i lageret`);
      assert.ok((await page.content()).includes(m), 'the visit shows on the company page');
      await assertAccessible(page, 'the company page after logging a visit');

      await d.press('nav a[href="/follow-ups"]');
      await page.waitForSelector(`text=Ring om småjob ${m}`);
      await assertAccessible(page, 'the follow-ups');

      // The call it asked for, logged from the follow-up, closes it; "Fortryd" opens it again.
      await d.press(`li:has-text("Ring om småjob ${m}") a[href*="follow_up="]`);
      await d.choose('#kind-phone');
      await d.fill('#summary', `Ringede om småjob (${m}).`);
      await d.press('form[action="/activities"] button[type=submit]');
      assert.match(await page.locator('.flash').innerText(), /Opfølgningen er markeret som udført/);
      await assertAccessible(page, 'the company page with its undo button');
      await d.press('.flash form button[type=submit]');
      assert.match(await page.locator('.flash').innerText(), /åbnet igen/);
      await page.waitForSelector(`text=Ring om småjob ${m}`);
      await page.context().close();
    });

    test("a consultant records a company's need, refers a citizen and the hire starts the placement", async () => {
      const page = await newPage(viewport);
      const d = new Driver(page, keyboard);
      const m = mark(viewport, keyboard);
      await signIn(page, CONSULTANT);
      await d.press('nav a[href="/companies"]');
      await d.press('table.stack tbody tr td a');
      await d.press('a[href^="/needs/new?company="]');
      await assertAccessible(page, 'the need form');
      await d.fill('#title', `Lagermedarbejder ${m}`);
      await d.fill('#positions', '2');
      await d.fill('#hours_per_week', '25,5');
      await d.fill('#deadline_on', isoDate(30));
      await d.fill('#requirements', 'Truckcertifikat, dansk i tale.');
      await d.press('form[action="/needs"] button[type=submit]');
      assert.match(await page.locator('h1').innerText(), new RegExp(`2 × Lagermedarbejder ${m}`));
      await assertAccessible(page, 'a need');

      const ref = `SAG-${Date.now() % 1000000}`;
      await d.fill('#citizen_ref', ref);
      await d.select('#outcome', 'Ansat');
      await d.check('#start_placement');
      await d.press('form[action$="/referrals"] button[type=submit]');
      assert.match(await page.locator('.flash').innerText(), /forløbet er oprettet/);
      assert.ok((await page.content()).includes(`Sag ${ref}`), 'the referral is listed');
      await assertAccessible(page, 'a need with a hire');

      await d.press('nav a[href="/needs"]');
      await page.waitForSelector(`text=Lagermedarbejder ${m}`);
      await assertAccessible(page, 'the open needs');
      await page.context().close();
    });

    test('a manager plans, fills, splits and starts a campaign; a visit moves it', async () => {
      const consultantPage = await newPage(viewport);
      await signIn(consultantPage, CONSULTANT);
      const consultantName = await ownName(consultantPage);

      const page = await newPage(viewport);
      const d = new Driver(page, keyboard);
      const m = mark(viewport, keyboard);
      const next = new Date().getFullYear() + 1;
      await signIn(page, MANAGER);
      await d.press('nav a[href="/campaigns"]');
      await assertAccessible(page, 'the campaign list');
      await d.press('a[href="/campaigns/new"]');
      await assertAccessible(page, 'the campaign form');
      await d.fill('#name', `Småjob i industrien ${m}`);
      await d.fill('#start', `uge 41 ${next}`);
      await d.fill('#end', `uge 49 ${next}`);
      await d.fill('#target_companies', '50');
      // Three consultants: the one who will visit, and two more.
      const boxes = page.locator('#consultants input[type=checkbox]');
      const labels = await page.locator('#consultants label').allInnerTexts();
      const mine = labels.findIndex((l) => l.includes(consultantName));
      assert.ok(mine >= 0, `${consultantName} is not among the campaign's consultants: ${labels}`);
      const chosen = [mine, ...[0, 1, 2, 3].filter((i) => i !== mine)].slice(0, 3);
      for (const i of chosen) {
        await d.check(`#${await boxes.nth(i).getAttribute('id')}`);
      }
      await d.press('form[action="/campaigns"] button[type=submit]');
      const campaignUrl = page.url();
      assert.match(campaignUrl, /\/campaigns\/\d+$/);
      await assertAccessible(page, 'a new campaign');

      await d.press('a[href$="/targets/add"]');
      await assertAccessible(page, 'adding targets');
      await d.press('form[method=get] button[type=submit]');
      // Forty of the register's companies, drawn at random.
      await d.choose('#pick-random');
      await d.fill('#count', '40');
      await d.press('form[method=post][action$="/targets/add"] button[type=submit]');
      await page.waitForSelector('text=virksomheder er sat på listen');
      await d.press('form[action$="/targets/split"] button[type=submit]');
      await d.press('form[action$="/start"] button[type=submit]');
      await assertAccessible(page, 'a running campaign');
      const before = await page.locator('p.headline strong').innerText();
      assert.match(before, /^0 af 50 virksomheder besøgt$/);

      // The consultant visits one of their targets.
      const c = new Driver(consultantPage, keyboard);
      await consultantPage.goto(campaignUrl);
      await c.press('a[href^="/activities/new?company="][href*="campaign="]');
      await c.choose('#kind-visit');
      await c.fill('#occurred_on', isoDate());
      await c.fill('#summary', `Kampagnebesøg ${m}`);
      await c.press('form[action="/activities"] button[type=submit]');
      await consultantPage.waitForSelector(`text=Kampagnebesøg ${m}`);

      await page.reload();
      assert.match(await page.locator('p.headline strong').innerText(), /^1 af 50 virksomheder besøgt$/);
      await page.context().close();
      await consultantPage.context().close();
    });

    test('a company writes in; its fixed contact answers with a call and it shows as answered', async () => {
      // A company the consultant is the fixed contact of, and its CVR number.
      const consultantPage = await newPage(viewport);
      await signIn(consultantPage, CONSULTANT);
      await consultantPage.goto(`${APP}/companies?mine=1`);
      const row = consultantPage.locator('table.stack tbody tr').first();
      const company = (await row.locator('td a').first().innerText()).trim();
      const cvr = (await row.locator('td[data-label="CVR-nummer"]').innerText()).trim();
      assert.match(cvr, /^\d{8}$/);

      const form = await newPage(viewport);
      const f = new Driver(form, keyboard);
      const m = mark(viewport, keyboard);
      await form.goto(`${APP}/kontakt/demo`);
      await assertAccessible(form, 'the public contact form');
      await f.fill('#company_name', company);
      await f.fill('#cvr', cvr);
      await f.fill('#contact_name', 'Mette Hansen');
      await f.fill('#email', 'mette.hansen@example.dk');
      await f.choose('#topic-recruitment');
      await f.fill('#message', `Vi søger to lagermedarbejdere fra marts (${m}).`);
      await f.check('#consent');
      await f.press('form button[type=submit]');
      if ((await form.title()).startsWith('Bekræft')) {
        await assertAccessible(form, 'the confirmation step');
        await f.press('form button[type=submit]');
      }
      await form.waitForSelector('h1');
      assert.match(await form.locator('h1').innerText(), /Tak/);
      await assertAccessible(form, 'the thank-you page');

      const d = new Driver(consultantPage, keyboard);
      await d.press('nav a[href="/requests"]');
      await assertAccessible(consultantPage, 'the request inbox');
      await d.press(`a:has-text("${company}")`);
      assert.ok((await consultantPage.content()).includes(m), 'the request is the one just sent');
      await assertAccessible(consultantPage, 'a request');
      await d.press('a[href*="&request="]');
      assert.ok(await consultantPage.locator('#kind-phone').isChecked(), 'a call is chosen');
      await d.fill('#summary', `Ringede tilbage om lagermedarbejdere (${m}).`);
      await d.press('form[action="/activities"] button[type=submit]');
      await consultantPage.goto(`${APP}/requests`);
      await d.press('a[href="/requests?tab=answered"], a:has-text("Besvarede")');
      await d.press(`a:has-text("${company}")`);
      assert.equal((await consultantPage.locator('p.status').innerText()).trim(), 'Besvaret');
      await consultantPage.context().close();
      await form.context().close();
    });
  });
}
