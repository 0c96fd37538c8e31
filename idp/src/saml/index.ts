/**
 * The public surface of the SAML 2.0 IdP, for the package entry and for other protocols
 * (WS-Federation, presets, the admin API): SP configuration and metadata parsing, the
 * message builders, the XML signer and escaper, and the route plugin.
 */
export { samlRoutes } from './saml-routes.ts';
export {
  samlSpSpec,
  validateSamlSpConfig,
  type SamlSpConfig,
  type NameIdSource,
  type AcsEndpoint,
  type SloEndpoint,
  type AttributeMapping,
} from './sp-config.ts';
export { parseSpMetadata, type SpMetadataConfig } from './sp-metadata.ts';
export { fetchSpMetadata, type FetchSpMetadataOptions } from './fetch-sp-metadata.ts';
export { idpEndpoints, type IdpEndpoints } from './idp-endpoints.ts';
export { buildIdpMetadata, pemBody } from './idp-metadata.ts';
export {
  buildAssertion,
  newSamlId,
  samlInstant,
  type AssertionInput,
  type AssertionAttribute,
} from './build-assertion.ts';
export { buildSamlResponse, type ResponseInput, type SigningMaterial } from './build-response.ts';
export { encryptAssertion } from './encrypt-assertion.ts';
export { signXml, type SignXmlOptions } from './sign-xml.ts';
export { escapeXml, XmlCharacterError } from './escape-xml.ts';
export { parseSafeXml, decodeSamlMessage } from './safe-xml.ts';
export { resolveNameId, type NameIdValue } from './name-id.ts';
export { userValues, type AttributeSource } from './attribute-mapping.ts';
export { sendPostForm, postFormCsp, type PostForm } from './post-form.ts';
export { SamlError, isSamlError, type SamlErrorCode, type SamlStatus } from './saml-error.ts';
export * from './saml-constants.ts';
