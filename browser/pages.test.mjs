// axe (WCAG 2.0/2.1 A and AA, and best practice) on every page: filled with demo data, empty
// (a jobcenter with nothing in it yet) and with the validation errors of each form shown; at a
// phone's width and a desktop's. Plus the skip link and visible focus.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  ADMIN, APP, CONSULTANT, Driver, assertAccessible, closeBrowser, newPage, signIn,
} from './lib.mjs';

/** A day `days` from today as the campaign form takes it (dd-mm-yyyy). */
function dkDate(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${String(d.getDate()).padStart(2, '0')}-${String(d.getMonth() + 1).padStart(2, '0')}-${d.getFullYear()}`;
}

/** An open request's form for handing it to a neighbour in the cluster. */
async function handOverForm(page) {
  await page.goto(`${APP}/requests`);
  const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const href of hrefs.filter((h) => /^\/requests\/\d+$/.test(h))) {
    await page.goto(APP + href);
    const link = page.locator('main a[href$="/hand-over"]').first();
    if (await link.count()) return link.getAttribute('href');
  }
  assert.fail('no open request can be handed over');
}

after(closeBrowser);

const EMPTY_ADMIN = process.env.EMPTY_ADMIN ?? 'admin@tom.jobcenter.dk';

/** The first link on `path` whose address matches `pattern` (a page of one record). */
async function firstLink(page, path, pattern) {
  await page.goto(APP + path);
  const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h) => pattern.test(h));
  assert.ok(href, `no link matching ${pattern} on ${path}`);
  return href;
}

/** A recruitment need with referrals. */
async function needWithReferrals(page) {
  await page.goto(`${APP}/needs?status=all`);
  const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const href of hrefs.filter((h) => /^\/needs\/\d+$/.test(h))) {
    await page.goto(APP + href);
    if (await page.locator('main a[href*="/referrals/"]').count()) return href;
  }
  assert.fail('no need with referrals in the demo data');
}

/** A campaign with companies on its list. */
async function campaignWithTargets(page) {
  await page.goto(`${APP}/campaigns`);
  const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const href of hrefs.filter((h) => /^\/campaigns\/\d+$/.test(h))) {
    await page.goto(APP + href);
    if (await page.locator('main a[href*="/targets/"]:not([href$="/add"])').count()) return href;
  }
  assert.fail('no campaign has companies on its list');
}

/** The summary form of a visit, meeting or call on some company's timeline. */
async function summaryForm(page) {
  await page.goto(`${APP}/companies`);
  const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const href of hrefs.filter((h) => /^\/companies\/\d+$/.test(h))) {
    await page.goto(APP + href);
    const link = page.locator('main a[href$="/summary"]').first();
    if (await link.count()) return link.getAttribute('href');
  }
  assert.fail('no company has a visit to summarise');
}

/** Every page a signed-in admin can reach, with the ids of real records filled in. */
async function staffPages(page, withRecords) {
  const pages = [
    '/', '/companies', '/companies?q=ingen-virksomhed-hedder-saadan', '/companies/new', '/companies/import',
    '/follow-ups', '/activities', '/activities?consultant=all', '/activities/new', '/placements',
    '/placements/new', '/needs', '/needs?status=all', '/needs/new', '/campaigns', '/campaigns/new', '/goals', '/goals/new', '/requests',
    '/requests?tab=answered', '/requests/new', '/dashboard', '/figures', '/figures/benchmark/new',
    '/figures/benchmark/import', '/figures/di/new', '/admin/users', '/admin/users/new', '/admin/audit',
    '/admin/access-log', '/admin/settings', '/admin/texts', '/admin/texts/receipt', '/admin/texts/thanks',
    '/admin/texts/summary', '/admin/outbox', '/account/security', '/account/password',
    '/account/two-step', '/account/tokens', '/admin/tokens', '/admin/webhooks', '/api/v1/docs', '/companies/999999999',
    '/companies/duplicates', '/admin/clusters', '/population', '/population?employees=10&without_protected=1',
  ];
  if (withRecords) {
    const company = await firstLink(page, '/companies', /^\/companies\/\d+$/);
    const campaign = await campaignWithTargets(page);
    const need = await needWithReferrals(page);
    await page.goto(`${APP}/companies`);
    const [other] = (await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
      .filter((h) => /^\/companies\/\d+$/.test(h) && h !== company);
    pages.push(
      `${company}/merge`, `${company}/merge?q=a`, `${company}/merge?other=${other.split('/').pop()}`,
      company, `${company}/edit`, `${company}/contacts/new`, `/activities/new?company=${company.split('/').pop()}`,
      await firstLink(page, company, /^\/activities\/\d+\/edit$/),
      await firstLink(page, company, /^\/companies\/\d+\/contacts\/\d+\/edit$/),
      campaign, `${campaign}/edit`, `${campaign}/targets/add`, `${campaign}/targets/add?q=a`,
      await firstLink(page, campaign, /^\/campaigns\/\d+\/targets\/\d+/),
      await firstLink(page, '/placements', /^\/placements\/\d+\/edit$/),
      need, `${need}/edit`, await firstLink(page, need, /^\/needs\/\d+\/referrals\/\d+$/),
      await firstLink(page, '/requests', /^\/requests\/\d+$/),
      await firstLink(page, '/goals', /^\/goals\/\d+$/),
      await firstLink(page, '/figures', /^\/figures\/benchmark\/\d+\/edit$/),
      await firstLink(page, '/figures', /^\/figures\/di\/\d+\/edit$/),
      await firstLink(page, '/admin/users', /^\/admin\/users\/\d+\/edit$/),
      await summaryForm(page),
    );
  }
  return pages;
}

/** Forms sent empty (every text field cleared), so each shows its validation errors. */
const FORMS = [
  ['/companies/new', 'form[action="/companies"]'],
  ['/placements/new?company={company}', 'form[action="/placements"]'],
  ['/needs/new?company={company}', 'form[action="/needs"]'],
  ['/campaigns/new', 'form[action="/campaigns"]'],
  ['/goals/new', 'form[action="/goals"]'],
  ['/requests/new', 'form[action="/requests"]'],
  ['/figures/benchmark/new', 'form[action="/figures/benchmark"]'],
  ['/figures/di/new', 'form[action="/figures/di"]'],
  ['/admin/users/new', 'form[action="/admin/users"]'],
  ['/admin/texts/receipt', 'form[action="/admin/texts/receipt"]'],
  ['/account/password', 'form[action="/account/password"]'],
  ['/account/tokens', 'form[action="/account/tokens"]'],
  ['/admin/webhooks', 'form[action="/admin/webhooks"]'],
];

async function sendEmpty(page, formSelector) {
  const form = page.locator(formSelector).first();
  for (const field of await form.locator('input[type=text], input[type=email], input[type=date], input[type=password], input:not([type]), textarea').all()) {
    if (await field.isEditable()) await field.fill('');
  }
  const sent = page.waitForNavigation().catch(() => assert.fail(`${page.url()}: sending ${formSelector} loaded no page`));
  await form.locator('button[type=submit]').last().click();
  await sent;
  assert.ok(await page.locator('.error-summary').count(), `no errors shown after sending ${formSelector} empty`);
}

for (const viewport of ['phone', 'desktop']) {
  describe(`every page is accessible (${viewport})`, () => {
    test('public pages', async () => {
      const page = await newPage(viewport);
      for (const path of ['/login', '/kontakt', '/kontakt/demo', '/tilfredshed/ukendt-link', '/login?next=%2Fcompanies', '/api/v1/docs']) {
        await page.goto(APP + path);
        await assertAccessible(page, path);
      }
      // The sign-in and the public form with their errors.
      await page.goto(`${APP}/login`);
      await page.fill('#email', ADMIN);
      await page.fill('#password', 'forkert-adgangskode');
      await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
      await assertAccessible(page, 'a failed sign-in');
      await page.goto(`${APP}/kontakt/demo`);
      await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
      assert.ok(await page.locator('.error-summary').count(), 'the empty public form shows its errors');
      await assertAccessible(page, 'the public form with errors');
      await page.context().close();
    });

    test('with demo data, as an admin', async () => {
      const page = await newPage(viewport);
      await signIn(page, ADMIN);
      for (const path of await staffPages(page, true)) {
        await page.goto(APP + path);
        await assertAccessible(page, path);
      }
      await page.context().close();
    });

    test('as a consultant', async () => {
      const page = await newPage(viewport);
      await signIn(page, CONSULTANT);
      for (const path of ['/', '/companies?mine=1', '/follow-ups', '/activities', '/campaigns', '/requests', '/placements']) {
        await page.goto(APP + path);
        await assertAccessible(page, path);
      }
      await page.context().close();
    });

    test('empty, in a new jobcenter', async () => {
      const page = await newPage(viewport);
      await signIn(page, EMPTY_ADMIN);
      for (const path of await staffPages(page, false)) {
        await page.goto(APP + path);
        await assertAccessible(page, `${path} (empty)`);
      }
      await page.context().close();
    });

    test('working together in a cluster', async () => {
      // Both admins accept the invitation (the first run does; then they are members).
      for (const who of [ADMIN, EMPTY_ADMIN]) {
        const page = await newPage(viewport);
        await signIn(page, who);
        await page.goto(`${APP}/admin/clusters`);
        const accept = page.locator('form[action$="/accept"] button');
        if (await accept.count()) await Promise.all([page.waitForNavigation(), accept.first().click()]);
        await assertAccessible(page, `/admin/clusters as ${who}`);
        await page.context().close();
      }
      const page = await newPage(viewport);
      await signIn(page, ADMIN);
      const figures = await firstLink(page, '/admin/clusters', /^\/clusters\/\d+\/figures$/);
      await page.goto(APP + figures);
      await assertAccessible(page, "the cluster's figures");
      await page.goto(`${APP}/companies?neighbour=1`);
      await assertAccessible(page, 'the companies a neighbour knows');
      // A campaign for the cluster: its form, and its page with every member's progress.
      await page.goto(`${APP}/campaigns/new`);
      await page.fill('#name', `Klyngekampagne (${viewport})`);
      await page.fill('#start', dkDate(0));
      await page.fill('#end', dkDate(42));
      await page.fill('#target_companies', '8');
      await page.selectOption('#cluster', { label: 'For klyngen «Sydsjælland»' });
      await page.locator('#consultants input[type=checkbox]').first().check();
      await assertAccessible(page, 'the campaign form for a cluster');
      await Promise.all([page.waitForNavigation(), page.click('form[action="/campaigns"] button[type=submit]')]);
      assert.match(await page.locator('h2#cluster-h').innerText(), /Sydsjælland/);
      await assertAccessible(page, "a regional campaign's page");
      // Handing a request to the neighbour: the form, and sent without a note.
      await page.goto(APP + await handOverForm(page));
      await assertAccessible(page, 'handing a request over');
      await Promise.all([page.waitForNavigation(), page.click('form[action$="/hand-over"] button[type=submit]')]);
      assert.match(await page.locator('.error-summary').innerText(), /Skriv en besked/);
      await assertAccessible(page, 'handing a request over, with errors');
      await page.context().close();
      // The neighbour is offered to join.
      const tom = await newPage(viewport);
      await signIn(tom, EMPTY_ADMIN);
      await tom.goto(`${APP}/campaigns`);
      await assertAccessible(tom, 'a regional campaign to join');
      await tom.goto(APP + await firstLink(tom, '/campaigns', /^\/campaigns\/new\?regional=\d+$/));
      await assertAccessible(tom, 'joining a regional campaign');
      await tom.context().close();
    });

    test('forms with their validation errors', async () => {
      const page = await newPage(viewport);
      await signIn(page, ADMIN);
      const company = await firstLink(page, '/companies', /^\/companies\/\d+$/);
      for (const [path, form] of FORMS) {
        await page.goto(APP + path.replace('{company}', company.split('/').pop()));
        await sendEmpty(page, form);
        await assertAccessible(page, `${path} with errors`);
      }
      // A visit without a date, and with a CPR number in its summary.
      await page.goto(`${APP}/activities/new?company=${company.split('/').pop()}`);
      await page.fill('#occurred_on', '');
      await page.fill('#summary', 'CPR 010190-1234');
      await Promise.all([page.waitForNavigation(), page.click('form[action="/activities"] button[type=submit]')]);
      assert.ok(await page.locator('.error-summary').count(), 'the activity form shows its errors');
      await assertAccessible(page, 'the activity form with errors');
      // Filling a campaign's list with "the first N" of a search, the number left out.
      const campaign = await firstLink(page, '/campaigns', /^\/campaigns\/\d+$/);
      await page.goto(`${APP}${campaign}/targets/add?q=a`);
      await page.check('#pick-first');
      await Promise.all([page.waitForNavigation(), page.click('form[method=post][action$="/targets/add"] button[type=submit]')]);
      assert.match(await page.locator('.error-summary').innerText(), /Skriv, hvor mange/);
      await assertAccessible(page, 'adding targets with errors');
      await page.context().close();
    });
  });
}

describe('phone', () => {
  test('the header takes less than a third of the screen and "Registrér kontakt" is on the first', async () => {
    const page = await newPage('phone');
    await signIn(page, ADMIN);
    const header = await page.evaluate(() => document.querySelector('.site-header').getBoundingClientRect().height);
    assert.ok(header < 844 / 3, `the header is ${header} px high`);
    const button = await page.locator('main a[href="/activities/new"]').first().boundingBox();
    assert.ok(button.y + button.height <= 844, `"Registrér kontakt" ends at ${button.y + button.height} px`);
    await page.context().close();
  });

  test("the burn-up chart's labels are at least 12 px", async () => {
    const page = await newPage('phone');
    await signIn(page, ADMIN);
    await page.goto(APP + await campaignWithTargets(page));
    const sizes = await page.locator('svg.chart text').evaluateAll((texts) => texts.map((t) => {
      const svg = t.ownerSVGElement;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return parseFloat(getComputedStyle(t).fontSize) * scale;
    }));
    assert.ok(sizes.length > 0, 'the campaign page has a chart');
    assert.ok(Math.min(...sizes) >= 12, `labels rendered at ${Math.min(...sizes).toFixed(1)} px`);
    await page.context().close();
  });
});

describe('keyboard', () => {
  test('the skip link is the first stop and moves focus to the content', async () => {
    const page = await newPage('phone');
    await signIn(page, CONSULTANT);
    await page.goto(`${APP}/companies`);
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => ({ text: document.activeElement.textContent.trim(), href: document.activeElement.getAttribute('href') }));
    assert.match(first.text, /Gå til indhold|Spring til indhold/i);
    await new Driver(page, true).assertFocusVisible();
    await page.keyboard.press('Enter');
    const target = first.href.slice(1);
    await page.keyboard.press('Tab');
    const inside = await page.evaluate((id) => document.getElementById(id).contains(document.activeElement), target);
    assert.ok(inside, 'after the skip link, Tab continues inside the main content');
    await page.context().close();
  });

  test('every link, button and field shows where the focus is', async () => {
    const page = await newPage('desktop');
    await signIn(page, ADMIN);
    for (const path of ['/', '/companies', '/activities/new', '/campaigns/new', '/kontakt/demo']) {
      await page.goto(APP + path);
      const d = new Driver(page, true);
      const stops = await page.locator('a[href], button, input:not([type=hidden]), select, textarea, summary').count();
      for (let i = 0; i < Math.min(stops, 60); i++) {
        await page.keyboard.press('Tab');
        const tag = await page.evaluate(() => document.activeElement.tagName);
        if (tag === 'BODY') break;
        await d.assertFocusVisible();
      }
    }
    await page.context().close();
  });
});
