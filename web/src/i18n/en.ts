import type { ErrorCode } from '../../../common/errors.js';
import type { MessageKey } from './zh-CN.js';

export const en: Record<MessageKey, string> = {
  'app.title': 'Haining Government Mail',
  'app.loading': 'Loading…',
  'language.switchTo': '中文',
  'signIn.heading': 'Sign in',
  'signIn.address': 'Email address',
  'signIn.addressHint': 'e.g. zhang.wei@haining.gov.cn',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.submitting': 'Signing in…',
  'signIn.required': 'Enter your email address and password',
  'welcome.heading': 'Welcome, {name}',
  'welcome.address': 'Signed in as {address}',
  'welcome.placeholder': 'The webmail is under construction.',
  'welcome.signOut': 'Sign out',
  'welcome.signingOut': 'Signing out…',
};

/** The server's error messages are zh-CN; in English the code decides the text. */
export const enErrors: Record<ErrorCode, string> = {
  'auth.invalid_credentials': 'Wrong email address or password.',
  'auth.locked': 'The account is temporarily locked after repeated failed sign-ins. Try again later.',
  'auth.not_activated': 'The account is not activated yet: use your activation link.',
  'auth.disabled': 'The account is disabled: contact your unit administrator.',
  'auth.ip_throttled': 'Too many failed sign-ins from this network. Try again later.',
  'auth.required': 'Please sign in.',
  'auth.session_expired': 'Your session ended after a period of inactivity. Please sign in again.',
  csrf: 'The request could not be verified. Reload the page and try again.',
  forbidden: 'You are not allowed to do this.',
  not_found: 'Not found.',
  validation: 'Some input is not valid.',
  bad_request: 'The request could not be handled.',
  payload_too_large: 'The request is too large.',
  unsupported_media_type: 'Unsupported request type.',
  rate_limited: 'Too many attempts. Wait a minute and try again.',
  internal: 'Something went wrong on the server. Try again later.',
  unavailable: 'The service cannot be reached. Check your connection and try again.',
};
