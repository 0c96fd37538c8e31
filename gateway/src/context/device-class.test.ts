import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyDevice } from './device-class.ts';

const UA = {
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  androidPhone:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Mobile Safari/537.36',
  androidTablet:
    'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36',
  windows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36 Edg/128.0.0.0',
  mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
  linux: 'Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0',
};

test('phones and tablets are mobile, desktops are pc', () => {
  for (const ua of [UA.iphone, UA.ipad, UA.androidPhone, UA.androidTablet])
    assert.equal(classifyDevice(ua), 'mobile', ua);
  for (const ua of [UA.windows, UA.mac, UA.linux, '']) assert.equal(classifyDevice(ua), 'pc', ua);
});

test('the Sec-CH-UA-Mobile hint ?1 makes it mobile', () => {
  assert.equal(classifyDevice(UA.windows, '?1'), 'mobile');
  assert.equal(classifyDevice(UA.windows, '?0'), 'pc');
});
