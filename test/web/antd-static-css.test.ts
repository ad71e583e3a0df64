/**
 * The webmail's strict CSP refuses styles written at run time, so Ant Design's CSS is rendered
 * at build time (web/build/antd-static-css.ts). A style that antd registers only for some props
 * and that the build misses shows as an unstyled component in production, silently: this test
 * names the ones that have bitten us.
 */
import { describe, expect, it } from 'vitest';

// Loaded by a computed path: the build plugin's antd/vite types belong to the browser's type
// world, which must not leak into the server's type check.
const plugin = '../../web/build/antd-static-css.js';
const { extractAntdCss } = (await import(plugin)) as { extractAntdCss(theme: object): string };

describe('antd CSS rendered at build time', () => {
  // The selectors do not depend on the theme's tokens.
  const css = extractAntdCss({});

  it.each([
    ['a preset Tag colour (incident states, block kinds)', '.ant-tag-volcano'],
    ['a status Tag colour', '.ant-tag-success'],
    ['a status Badge', '.ant-badge-status-success'],
    ['the Modal opened on demand', '.ant-modal-confirm'],
    ['the message toast', '.ant-message-notice'],
    ['the notification', '.ant-notification-notice'],
  ])('holds %s (%s)', (_what, selector) => {
    expect(css).toContain(selector);
  });
});
