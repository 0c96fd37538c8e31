/**
 * Sends a protocol message (LogoutRequest, LogoutResponse) to an SP endpoint registered for
 * it, by the binding registered for that endpoint: HTTP-Redirect with a detached RSA-SHA256
 * signature (redirect-binding.ts), or HTTP-POST with an enveloped signature after Issuer
 * (sign-xml.ts) in the auto-submitting form (post-form.ts).
 */
import type { FastifyReply } from 'fastify';
import type { Locale } from '@sekisho/platform';
import type { SigningMaterial } from './build-response.ts';
import type { MessageParam } from './inbound-message.ts';
import type { SamlMessage } from './logout-messages.ts';
import { sendPostForm } from './post-form.ts';
import { redirectUrl } from './redirect-binding.ts';
import { signXml } from './sign-xml.ts';

export interface Delivery {
  endpoint: string;
  binding: 'HTTP-Redirect' | 'HTTP-POST';
  param: MessageParam;
  message: SamlMessage;
  relayState?: string | undefined;
  key: SigningMaterial;
  /** The application's name, for the POST page's title. */
  app: string;
}

export function deliverToSp(reply: FastifyReply, locale: Locale, d: Delivery): FastifyReply {
  if (d.binding === 'HTTP-Redirect')
    return reply.redirect(
      redirectUrl(d.endpoint, d.param, d.message.xml, d.relayState, d.key.privateKeyPem),
      303,
    );
  const signed = signXml(d.message.xml, {
    ...d.key,
    referenceId: d.message.id,
    after: "/*/*[local-name(.)='Issuer']",
  });
  return sendPostForm(reply, locale, {
    action: d.endpoint,
    app: d.app,
    fields: { [d.param]: Buffer.from(signed).toString('base64'), RelayState: d.relayState },
  });
}
