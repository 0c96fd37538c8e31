/**
 * Every way a condition's text can be refused, with the exact position (0-based offset),
 * what was expected there and what was found.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCondition } from './parse.ts';
import { ConditionSyntaxError } from './syntax-error.ts';

const TERM =
  "a term (ip, cert, pass, login, group, attr, time, date, weekday, true, false), 'not' or '('";
const AFTER_IP =
  "an IP address, CIDR block or range, a [list] of them, or 'in' and an IP set identifier";
const LITERAL = 'an IP address, CIDR block (192.0.2.0/24) or range (10.0.0.1-10.0.0.50)';
const ADDRESS = 'an IPv4 or IPv6 address';
const SET_ID = 'an IP set identifier (3-255 characters of A-Z a-z 0-9 _ . -)';
const LOGIN = 'a quoted login ID ("alice@example.com") or domain pattern ("*@example.com")';
const TIME = 'a time window HH:MM-HH:MM (e.g. 09:00-18:00)';
const DAY = 'a weekday (mon, tue, wed, thu, fri, sat, sun)';
const CERT = "a login type (personal, passwordless or shared), 'and' or 'or'";
const NESTING = "at most 64 levels of nesting ('(' and 'not')";

type Case = [text: string, position: number, expected: string, found: string];

const CASES: Record<string, Case[]> = {
  tokens: [
    ['cert && pass', 5, 'a term, an operator or a parenthesis', '&'],
    ["group 'Sales'", 6, 'a double-quoted string ("...")', "'"],
    ['group "Sales', 6, `a closing '"' for the string opened here`, ''],
    ['group "a\\nb"', 9, `'"' or '\\' after a backslash`, 'n'],
    ['group "a\nb"', 8, `a closing '"' before this control character`, '\\n'],
  ],
  grammar: [
    ['', 0, TERM, ''],
    ['cert and', 8, TERM, ''],
    ['and cert', 0, TERM, 'and'],
    ['location "JP"', 0, TERM, 'location'],
    ['(cert or pass', 13, "'and', 'or' or ')'", ''],
    ['cert or pass)', 12, "'and', 'or' or the end of the condition", ')'],
    ['cert or true pass', 13, "'and', 'or' or the end of the condition", 'pass'],
    ['not', 3, TERM, ''],
  ],
  nesting: [
    [`${'('.repeat(65)}cert${')'.repeat(65)}`, 64, NESTING, '('],
    [`${'not '.repeat(65)}cert`, 256, NESTING, 'not'],
    [`${'not ('.repeat(32)}not cert${')'.repeat(32)}`, 160, NESTING, 'not'],
  ],
  ip: [
    ['ip offce', 3, AFTER_IP, 'offce'],
    ['ip', 2, AFTER_IP, ''],
    ['ip in ab', 6, SET_ID, 'ab'],
    ['ip in off/ice', 6, SET_ID, 'off/ice'],
    ['ip in "office"', 6, SET_ID, '"office"'],
    ['ip 10.0.0.256', 3, ADDRESS, '10.0.0.256'],
    ['ip 010.0.0.1', 3, ADDRESS, '010.0.0.1'],
    ['ip 2001:db8:::1', 3, ADDRESS, '2001:db8:::1'],
    ['ip 2001:db8::1::2', 3, ADDRESS, '2001:db8::1::2'],
    ['ip 192.0.2.0/33', 13, 'a prefix length from 0 to 32', '33'],
    ['ip 2001:db8::/129', 14, 'a prefix length from 0 to 128', '129'],
    ['ip 192.0.2.0/024', 13, 'a prefix length from 0 to 32', '024'],
    ['ip 192.0.2.5/24', 3, 'a network address without host bits (192.0.2.0/24)', '192.0.2.5/24'],
    [
      'ip 10.0.0.50-10.0.0.1',
      13,
      "an address not lower than the range's start 10.0.0.50",
      '10.0.0.1',
    ],
    [
      'ip 10.0.0.1-2001:db8::1',
      12,
      "an IPv4 address, the family of the range's start",
      '2001:db8::1',
    ],
    ['ip 2001:db8::1-10.0.0.1', 15, "an IPv6 address, the family of the range's start", '10.0.0.1'],
    ['ip 10.0.0.1-', 12, ADDRESS, ''],
    ['ip [192.0.2.1 192.0.2.2]', 14, "',' or ']'", '192.0.2.2'],
    ['ip []', 4, LITERAL, ']'],
    ['ip [192.0.2.1,]', 14, LITERAL, ']'],
  ],
  cert: [
    ['cert pass', 5, CERT, 'pass'],
    ['cert "shared"', 5, CERT, '"shared"'],
    ['cert admin', 5, CERT, 'admin'],
  ],
  pass: [
    ['pass for 30', 5, "'age <= <days>', 'and' or 'or'", 'for'],
    ['pass age < 30', 9, "'<='", '<'],
    ['pass age <= 3651', 12, 'a number of days from 0 to 3650', '3651'],
    ['pass age <= 030', 12, 'a number of days from 0 to 3650', '030'],
    ['pass age <= -1', 12, 'a number of days from 0 to 3650', '-1'],
  ],
  login: [
    ['login alice@x.example', 6, `${LOGIN}, or a [list] of them`, 'alice'],
    ['login "alice"', 6, LOGIN, '"alice"'],
    ['login "*@localhost"', 6, LOGIN, '"*@localhost"'],
    ['login "a@b@x.example"', 6, LOGIN, '"a@b@x.example"'],
    ['login ["a@x.example",]', 21, LOGIN, ']'],
  ],
  group: [
    ['group Sales', 6, 'a quoted group name of 1-100 characters', 'Sales'],
    ['group "  "', 6, 'a quoted group name of 1-100 characters', '"  "'],
    [
      `group "${'x'.repeat(101)}"`,
      6,
      'a quoted group name of 1-100 characters',
      `"${'x'.repeat(101)}"`,
    ],
  ],
  attr: [
    [
      'attr 1dept = "x"',
      5,
      'an attribute name (a letter, then up to 63 of A-Z a-z 0-9 _ . -)',
      '1dept',
    ],
    ['attr dept == "x"', 10, "'=' or '!='", '=='],
    ['attr dept = sales', 12, 'a quoted value of at most 1024 characters', 'sales'],
  ],
  time: [
    ['time 09:00', 5, TIME, '09:00'],
    ['time 09:00 - 18:00', 5, TIME, '09:00'],
    ['time 09:60-18:00', 5, 'a start time from 00:00 to 23:59', '09:60'],
    ['time 24:00-06:00', 5, 'a start time from 00:00 to 23:59', '24:00'],
    ['time 9-18', 5, 'a start time from 00:00 to 23:59', '9'],
    ['time 09:00-24:01', 11, 'an end time from 00:00 to 24:00', '24:01'],
    ['time 09:00-9:5', 11, 'an end time from 00:00 to 24:00', '9:5'],
    ['time 09:00-09:00', 11, 'an end time different from the start time', '09:00'],
  ],
  date: [
    ['date 2026-4-1', 5, 'a date YYYY-MM-DD or a date range YYYY-MM-DD..YYYY-MM-DD', '2026-4-1'],
    ['date 2026-02-29', 5, 'a date that exists in the calendar', '2026-02-29'],
    ['date 2026-04-31..2026-05-01', 5, 'a date that exists in the calendar', '2026-04-31'],
    ['date 2026-04-01..2026-13-01', 17, 'a date that exists in the calendar', '2026-13-01'],
    ['date 2026-06-30..2026-04-01', 17, 'an end date not before 2026-06-30', '2026-04-01'],
    ['date 2026-04-01.. and cert', 17, 'an end date YYYY-MM-DD', ''],
  ],
  weekday: [
    ['weekday', 7, `${DAY} or a range of them (mon-fri)`, ''],
    ['weekday funday', 8, DAY, 'funday'],
    ['weekday mon-fry', 12, DAY, 'fry'],
    ['weekday mon,', 12, `${DAY} or a range of them (mon-fri)`, ''],
    ['weekday 月', 8, 'a term, an operator or a parenthesis', '月'],
  ],
};

describe('ConditionSyntaxError', () => {
  for (const [group, cases] of Object.entries(CASES)) {
    for (const [text, position, expected, found] of cases) {
      test(`${group}: ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)} at ${position}`, () => {
        assert.throws(
          () => parseCondition(text),
          (err: unknown) => {
            assert.ok(err instanceof ConditionSyntaxError);
            assert.deepEqual(
              { position: err.position, expected: err.expected, found: err.found },
              { position, expected, found },
            );
            return true;
          },
        );
      });
    }
  }

  test('refuses an IP set that is not among the known ones, at its identifier', () => {
    assert.throws(() => parseCondition('ip in office or ip in offce', new Set(['office', 'vpn'])), {
      code: 'ERR_POLICY_CONDITION',
      position: 22,
      line: 1,
      column: 23,
      expected: 'the identifier of an existing IP set',
      found: 'offce',
      message: "at 1:23: expected the identifier of an existing IP set, found 'offce'",
    });
  });

  test('counts lines and columns from 1, columns restarting after each line break', () => {
    assert.throws(() => parseCondition('cert\r\n  and time 25:00-26:00'), {
      position: 17,
      line: 2,
      column: 12,
      message: "at 2:12: expected a start time from 00:00 to 23:59, found '25:00'",
    });
  });

  test('says "end of input" or "nothing" when nothing was found, and shortens long text', () => {
    assert.throws(() => parseCondition('cert and'), {
      message: `at 1:9: expected ${TERM}, found end of input`,
    });
    assert.throws(() => parseCondition('date 2026-04-01.. or cert'), {
      message: 'at 1:18: expected an end date YYYY-MM-DD, found nothing',
    });
    assert.throws(() => parseCondition(`group "${'x'.repeat(200)}"`), {
      message: `at 1:7: expected a quoted group name of 1-100 characters, found '"${'x'.repeat(39)}…'`,
    });
  });

  test('is a client error with a stable code', () => {
    const err = new ConditionSyntaxError('x', 0, 'y', 'x');
    assert.deepEqual(
      [err.code, err.status, err.expose, err.name],
      ['ERR_POLICY_CONDITION', 400, true, 'ConditionSyntaxError'],
    );
    assert.ok(err instanceof Error);
  });
});
