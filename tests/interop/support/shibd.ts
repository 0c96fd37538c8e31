/**
 * A Shibboleth SP 3 (Debian's libapache2-mod-shib): a private `shibd` and a private Apache
 * with mod_shib, both reading one shibboleth2.xml in a temp directory.
 * - The IdP is known from a metadata file only (no metadata or TLS fetch), as an admin would
 *   load a partner's metadata; `<SSO entityID=...>` makes it the default IdP.
 * - shibd and mod_shib talk over a TCPListener on a free loopback port (a Unix socket would
 *   need permissions for www-data, Apache's user when the tests run as root).
 * - Plain http on loopback: handlerSSL="false", cookieProps="http".
 * - The attribute map is configurable (`attributes`); the default maps e-mail and display
 *   name under their OIDs and under plain names, and the e-mail NameID; REMOTE_USER is the
 *   first of `remoteUser` present.
 * - The SP's metadata (`/Shibboleth.sso/Metadata`) carries the NameID format and the
 *   attributes it requests (`<md:RequestedAttribute>`; Sekisho takes the attributes to
 *   release from the admin's config instead, and reads only the NameID format).
 * - The protected location (`/secure`) requires a session and answers with the echo CGI.
 */
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { findCommand, freePort, makeTempDir, removeAtExit } from '@sekisho/platform/test-support';
import { ensureApache, startApache, type ApacheServer } from './apache.ts';
import { selfSignedKeyPair } from './pki.ts';
import { startPeer, waitForPeer, type Peer } from './process.ts';
import {
  ATTRNAME_BASIC,
  DEFAULT_REQUESTED_ATTRIBUTES,
  NAMEID_EMAIL,
  attributeConsumingService,
  escapeXml,
  metadataEntityId,
  type RequestedAttribute,
} from './saml-peer.ts';

/** One line of attribute-map.xml: a SAML attribute (or NameID format) and the id it gets. */
export interface ShibAttributeRule {
  /** The SAML Attribute Name, or a NameID Format. */
  name: string;
  /** The id the SP exports (environment variable name). */
  id: string;
  /** Omitted: uri (which also matches attributes without or with the unspecified format). */
  nameFormat?: string;
}

/** E-mail and display name as a SAML IdP may name them, and the e-mail NameID. */
export const DEFAULT_SHIB_ATTRIBUTES: readonly ShibAttributeRule[] = [
  { name: NAMEID_EMAIL, id: 'nameid-email' },
  { name: 'urn:oid:0.9.2342.19200300.100.1.3', id: 'mail' },
  { name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', id: 'mail' },
  ...['mail', 'email'].flatMap((name) => [
    { name, id: 'mail' },
    { name, id: 'mail', nameFormat: ATTRNAME_BASIC },
  ]),
  { name: 'urn:oid:2.16.840.1.113730.3.1.241', id: 'displayName' },
  { name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', id: 'displayName' },
  ...['displayName', 'name'].flatMap((name) => [
    { name, id: 'displayName' },
    { name, id: 'displayName', nameFormat: ATTRNAME_BASIC },
  ]),
];

export interface ShibbolethSpOptions {
  /** The IdP's SAML metadata (Sekisho's `/t/{tenant}/saml/metadata`). */
  idpMetadataXml: string;
  /** Default: a fixed URL-style name (entity IDs are names; it need not resolve). */
  entityId?: string;
  attributes?: readonly ShibAttributeRule[];
  /** Attribute ids tried in order for REMOTE_USER; default mail, then the e-mail NameID. */
  remoteUser?: readonly string[];
  /** NameID format asked for in AuthnRequests and listed in the metadata; default e-mail. */
  nameIdFormat?: string;
  requestedAttributes?: readonly RequestedAttribute[];
  /** Path of the protected echo; default /secure. */
  protectedPath?: string;
}

export interface ShibbolethSp {
  origin: string;
  entityId: string;
  idpEntityId: string;
  /** The protected page (echo CGI): opening it starts SP-initiated SSO. */
  protectedUrl: string;
  /** `/Shibboleth.sso/Metadata` */
  metadataUrl: string;
  /** The HTTP-POST AssertionConsumerService. */
  acsUrl: string;
  dir: string;
  apache: ApacheServer;
  shibd: Peer;
  /** The SP's metadata as the SP serves it. */
  metadata(): Promise<string>;
  /** shibd's and Apache's last output, for assertion messages. */
  output(): string;
  stop(): Promise<void>;
}

export const SHIBBOLETH_NEEDS = ['shib'] as const;

function attributeMap(rules: readonly ShibAttributeRule[]): string {
  const lines = rules.map(
    (r) =>
      `  <Attribute name="${escapeXml(r.name)}" id="${escapeXml(r.id)}"` +
      (r.nameFormat ? ` nameFormat="${escapeXml(r.nameFormat)}"` : '') +
      '/>',
  );
  return `<Attributes xmlns="urn:mace:shibboleth:2.0:attribute-map">\n${lines.join('\n')}\n</Attributes>\n`;
}

/** Lets every mapped attribute through (the filtering under test is the IdP's). */
const PERMIT_ALL_POLICY = `<AttributeFilterPolicyGroup xmlns="urn:mace:shibboleth:2.0:afp" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <AttributeFilterPolicy>
    <PolicyRequirementRule xsi:type="ANY"/>
    <AttributeRule attributeID="*" permitAny="true"/>
  </AttributeFilterPolicy>
</AttributeFilterPolicyGroup>
`;

/** log4shib to the console: shibd's lines land in its stdout, mod_shib's in Apache's error log. */
const CONSOLE_LOGGER = `log4j.rootCategory=INFO, console
log4j.category.XMLTooling.XMLObject=WARN
log4j.category.XMLTooling.XMLObjectBuilder=WARN
log4j.category.Shibboleth.PropertySet=WARN
log4j.category.Shibboleth.Application=WARN
log4j.category.Shibboleth.DEPRECATION=ERROR
log4j.appender.console=org.apache.log4j.ConsoleAppender
log4j.appender.console.layout=org.apache.log4j.PatternLayout
log4j.appender.console.layout.ConversionPattern=%d{%H:%M:%S} %p %c %x: %m%n
`;

function shibboleth2Xml(o: {
  dir: string;
  entityId: string;
  idpEntityId: string;
  listenerPort: number;
  remoteUser: readonly string[];
  nameIdFormat: string;
  requested: readonly RequestedAttribute[];
}): string {
  const f = (name: string) => escapeXml(join(o.dir, name));
  const acs = attributeConsumingService(o.requested).replace(
    '<md:AttributeConsumingService ',
    '<md:AttributeConsumingService xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ',
  );
  return `<SPConfig xmlns="urn:mace:shibboleth:3.0:native:sp:config"
    xmlns:conf="urn:mace:shibboleth:3.0:native:sp:config" clockSkew="180">
  <OutOfProcess logger="${f('shibd.logger')}"/>
  <InProcess logger="${f('native.logger')}"/>
  <TCPListener address="127.0.0.1" port="${o.listenerPort}" acl="127.0.0.1"/>
  <ApplicationDefaults entityID="${escapeXml(o.entityId)}" REMOTE_USER="${escapeXml(o.remoteUser.join(' '))}">
    <Sessions lifetime="28800" timeout="3600" relayState="ss:mem" checkAddress="false"
        handlerSSL="false" cookieProps="http" redirectLimit="exact">
      <SSO entityID="${escapeXml(o.idpEntityId)}" NameIDFormat="${escapeXml(o.nameIdFormat)}">SAML2</SSO>
      <Logout>SAML2 Local</Logout>
      <Handler type="MetadataGenerator" Location="/Metadata" signing="false"><md:NameIDFormat xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${escapeXml(o.nameIdFormat)}</md:NameIDFormat>${acs}</Handler>
      <Handler type="Status" Location="/Status" acl="127.0.0.1 ::1"/>
      <Handler type="Session" Location="/Session" showAttributeValues="true"/>
    </Sessions>
    <Errors supportContact="root@localhost" styleSheet="/shibboleth-sp/main.css"/>
    <MetadataProvider type="XML" validate="true" path="${f('idp-metadata.xml')}"/>
    <AttributeExtractor type="XML" validate="true" reloadChanges="false" path="${f('attribute-map.xml')}"/>
    <AttributeFilter type="XML" validate="true" path="${f('attribute-policy.xml')}"/>
    <CredentialResolver type="File" use="signing" key="${f('sp-signing.key')}" certificate="${f('sp-signing.crt')}"/>
    <CredentialResolver type="File" use="encryption" key="${f('sp-encrypt.key')}" certificate="${f('sp-encrypt.crt')}"/>
  </ApplicationDefaults>
  <SecurityPolicyProvider type="XML" validate="true" path="/etc/shibboleth/security-policy.xml"/>
  <ProtocolProvider type="XML" validate="true" reloadChanges="false" path="/etc/shibboleth/protocols.xml"/>
</SPConfig>
`;
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Starts shibd, then Apache with mod_shib; resolves once both answer. */
export async function startShibbolethSp(options: ShibbolethSpOptions): Promise<ShibbolethSp> {
  await ensureApache(SHIBBOLETH_NEEDS);
  const shibdPath = findCommand('shibd');
  if (!shibdPath) throw new Error('shibd not found after installing libapache2-mod-shib');
  const dir = await makeTempDir('sekisho-shib-');
  const removeDir = removeAtExit(dir);
  const entityId = options.entityId ?? 'https://shibboleth-sp.interop.sekisho.test/shibboleth';
  const idpEntityId = metadataEntityId(options.idpMetadataXml);
  const protectedPath = options.protectedPath ?? '/secure';
  let shibd: Peer | undefined;
  let apache: ApacheServer | undefined;
  try {
    await Promise.all([
      selfSignedKeyPair(dir, 'sp-signing', 'shibboleth-sp-signing'),
      selfSignedKeyPair(dir, 'sp-encrypt', 'shibboleth-sp-encrypt'),
      writeFile(join(dir, 'idp-metadata.xml'), options.idpMetadataXml),
      writeFile(
        join(dir, 'attribute-map.xml'),
        attributeMap(options.attributes ?? DEFAULT_SHIB_ATTRIBUTES),
      ),
      writeFile(join(dir, 'attribute-policy.xml'), PERMIT_ALL_POLICY),
      writeFile(join(dir, 'shibd.logger'), CONSOLE_LOGGER),
      writeFile(join(dir, 'native.logger'), CONSOLE_LOGGER),
    ]);
    const config = join(dir, 'shibboleth2.xml');
    for (let attempt = 1; ; attempt++) {
      const listenerPort = await freePort();
      await writeFile(
        config,
        shibboleth2Xml({
          dir,
          entityId,
          idpEntityId,
          listenerPort,
          remoteUser: options.remoteUser ?? ['mail', 'nameid-email'],
          nameIdFormat: options.nameIdFormat ?? NAMEID_EMAIL,
          requested: options.requestedAttributes ?? DEFAULT_REQUESTED_ATTRIBUTES,
        }),
      );
      // -F foreground, -f remove a stale listener socket; -p is ignored in the foreground.
      shibd = startPeer(
        'shibd',
        shibdPath,
        ['-F', '-f', '-c', config, '-p', join(dir, 'shibd.pid')],
        {
          cwd: dir,
        },
      );
      try {
        await waitForPeer(shibd, () => accepts(listenerPort), 30_000);
        break;
      } catch (err) {
        const portTaken = /address already in use|bind/i.test(shibd.output());
        await shibd.stop();
        if (portTaken && attempt < 3) continue;
        throw err;
      }
    }
    const started = await startApache({
      name: 'apache (mod_shib)',
      modules: SHIBBOLETH_NEEDS,
      dir,
      config: () => `ShibConfig "${config}"
ShibCompatValidUser Off
<Location /Shibboleth.sso>
  SetHandler shib
  Require all granted
</Location>
<Location ${protectedPath}>
  AuthType shibboleth
  ShibRequestSetting requireSession 1
  Require shib-session
</Location>
ScriptAlias ${protectedPath} "${join(dir, 'cgi', 'echo.cgi')}"
`,
    });
    apache = started;
    const runningShibd = shibd;
    const output = () => `--- shibd\n${runningShibd.output()}\n${started.output()}`;
    const metadataUrl = `${started.origin}/Shibboleth.sso/Metadata`;
    return {
      origin: started.origin,
      entityId,
      idpEntityId,
      protectedUrl: `${started.origin}${protectedPath}`,
      metadataUrl,
      acsUrl: `${started.origin}/Shibboleth.sso/SAML2/POST`,
      dir,
      apache: started,
      shibd: runningShibd,
      async metadata() {
        const res = await fetch(metadataUrl);
        const body = await res.text();
        if (!res.ok) throw new Error(`GET ${metadataUrl}: ${res.status}\n${body}\n${output()}`);
        return body;
      },
      output,
      async stop() {
        await Promise.allSettled([started.stop(), runningShibd.stop()]);
        removeDir();
      },
    };
  } catch (err) {
    await Promise.allSettled([apache?.stop(), shibd?.stop()]);
    removeDir();
    throw err;
  }
}
