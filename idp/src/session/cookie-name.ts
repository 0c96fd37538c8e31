/** Sekisho's session cookie; chosen not to collide with SPs sharing a host (PHPSESSID, _shibsession_*, mellon-cookie). */
export const SESSION_COOKIE = 'sekisho_session';
