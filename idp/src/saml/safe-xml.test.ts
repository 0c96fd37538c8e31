import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { decodeSamlMessage, parseSafeXml } from './safe-xml.ts';
import { isSamlError } from './saml-error.ts';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(isSamlError(err));
    return err.code;
  }
  return 'none';
};

test('refuses any DTD or entity declaration before parsing', () => {
  assert.equal(
    code(() => parseSafeXml('<!DOCTYPE a><a/>')),
    'ERR_SAML_DTD',
  );
  assert.equal(
    code(() => parseSafeXml('<?xml version="1.0"?><!doctype a [<!ENTITY x "y">]><a>&x;</a>')),
    'ERR_SAML_DTD',
  );
  assert.equal(
    code(() => parseSafeXml('<a>&undeclared;</a>')),
    'ERR_SAML_MALFORMED',
  );
});

test('stops on markup a lenient parser would repair', () => {
  assert.equal(
    code(() => parseSafeXml('<a><b></a>')),
    'ERR_SAML_MALFORMED',
  );
  assert.equal(
    code(() => parseSafeXml('<a x="1" x="2"/>')),
    'ERR_SAML_MALFORMED',
  );
  assert.equal(
    code(() => parseSafeXml('text only')),
    'ERR_SAML_MALFORMED',
  );
  assert.equal(parseSafeXml('<a xmlns="urn:x"><b/></a>').documentElement?.localName, 'a');
});

test('inflates under a cap, so a DEFLATE bomb stops at 64 KiB', () => {
  const bomb = deflateRawSync(Buffer.alloc(10_000_000, 0x20)).toString('base64');
  assert.equal(
    code(() => decodeSamlMessage(bomb, true)),
    'ERR_SAML_TOO_LARGE',
  );
  const ok = deflateRawSync(Buffer.from('<a/>')).toString('base64');
  assert.equal(decodeSamlMessage(ok, true), '<a/>');
  assert.equal(decodeSamlMessage(ok, 'if-deflated'), '<a/>');
  assert.equal(decodeSamlMessage(Buffer.from('<a/>').toString('base64'), 'if-deflated'), '<a/>');
});

test('requires strict base64 and UTF-8', () => {
  assert.equal(
    code(() => decodeSamlMessage('a*b', false)),
    'ERR_SAML_MALFORMED',
  );
  assert.equal(
    code(() => decodeSamlMessage(Buffer.from([0xff, 0xfe, 0x3c]).toString('base64'), false)),
    'ERR_SAML_MALFORMED',
  );
  assert.equal(
    code(() => decodeSamlMessage(undefined, false)),
    'ERR_SAML_MALFORMED',
  );
  assert.equal(
    code(() => decodeSamlMessage('A'.repeat(200_000), false)),
    'ERR_SAML_TOO_LARGE',
  );
});
