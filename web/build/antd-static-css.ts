/**
 * Vite plugin: the virtual module `virtual:antd.css` is Ant Design's CSS for our theme, rendered
 * at build time (see web/src/theme.ts for why: the CSP refuses styles written at run time).
 *
 * Every exported antd component is rendered once to a string inside a StyleProvider whose cache
 * collects the styles their hooks register, together with the internal panels of the pop-up
 * components (Modal, Drawer, Tooltip, message …), whose styles are otherwise only registered
 * when they open. `extractStyle` then gives plain CSS, which Vite treats like any imported
 * stylesheet (hashed file under assets/). The icons' base rules are added, as the icon package
 * writes them at run time too.
 *
 * The CommonJS builds are loaded with `require` on purpose: antd's `lib/` requires the CommonJS
 * @ant-design/cssinjs, and the StyleProvider must be that same module instance to see the cache.
 */
import { createRequire } from 'node:module';
import type { ThemeConfig } from 'antd';
import type { Plugin } from 'vite';

const VIRTUAL_ID = 'virtual:antd.css';
/** A path ending in .css (not a \0 id), so Vite's CSS pipeline handles it like a file. */
const RESOLVED_ID = '/@govmail/antd-static.css';

/** Sub-components that only work inside their parent (rendered alone they emit selectors without a class). */
const SKIP_MEMBERS = new Set(['Form.ErrorList']);

/** Components that need props to render at all. */
const PROPS: Record<string, Record<string, unknown>> = {
  Menu: { items: [] },
  Tree: { treeData: [] },
  QRCode: { value: 'govmail' },
  Transfer: { dataSource: [] },
};

/**
 * Extra renders for styles a component registers only for some props: Tag's preset colours
 * (red, volcano …) and status colours (success, error …) are separate style hooks that run only
 * when a Tag of that kind renders; without these every coloured Tag would be grey under the CSP.
 */
const VARIANTS: Record<string, Record<string, unknown>[]> = {
  Tag: [{ color: 'red' }, { color: 'success' }],
  Badge: [{ status: 'success' }, { color: 'red', count: 1 }],
};

interface ReactLike {
  createElement(type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]): unknown;
}

export function extractAntdCss(theme: ThemeConfig): string {
  const require = createRequire(import.meta.url);
  const React = require('react') as ReactLike;
  const { renderToString } = require('react-dom/server') as { renderToString(node: unknown): string };
  const antd = require('antd') as Record<string, unknown> & { ConfigProvider: unknown };
  const cssinjs = require('@ant-design/cssinjs') as {
    createCache(): unknown;
    StyleProvider: unknown;
    extractStyle(cache: unknown, options: { plain: boolean; types: string[] }): string;
  };
  const icons = require('@ant-design/icons/lib/utils') as { iconStyles: string };

  const cache = cssinjs.createCache();
  const render = (node: unknown) => {
    try {
      renderToString(React.createElement(cssinjs.StyleProvider, { cache }, React.createElement(antd.ConfigProvider, { theme }, node)));
    } catch {
      // Grid and a few others are namespaces, not components: nothing to render.
    }
  };

  const isComponent = (value: unknown): value is object => (typeof value === 'function' || (typeof value === 'object' && value !== null && '$$typeof' in value));
  for (const [name, component] of Object.entries(antd)) {
    if (!/^[A-Z]/.test(name) || name === 'ConfigProvider' || !isComponent(component)) continue;
    render(React.createElement(component, PROPS[name] ?? {}, name === 'Dropdown' ? React.createElement('span') : undefined));
    for (const props of VARIANTS[name] ?? []) render(React.createElement(component, props, 'x'));
    // Sub-components register styles of their own: Input.Search, DatePicker.RangePicker, Layout.Sider …
    for (const [sub, member] of Object.entries(component)) {
      if (/^[A-Z]/.test(sub) && isComponent(member) && !SKIP_MEMBERS.has(`${name}.${sub}`)) render(React.createElement(member, {}));
    }
    const panel = (component as Record<string, unknown>)._InternalPanelDoNotUseOrYouWillBeFired;
    if (panel) render(React.createElement(panel, {}));
  }

  // The static APIs (message.success, notification.open) are lower-case objects, not components:
  // their notices' styles come from their internal panels.
  for (const api of ['message', 'notification']) {
    const panel = (antd[api] as Record<string, unknown> | undefined)?._InternalPanelDoNotUseOrYouWillBeFired;
    if (panel) render(React.createElement(panel, { type: 'success', content: 'x', title: 'x' }));
  }

  const css = cssinjs.extractStyle(cache, { plain: true, types: ['style', 'token', 'cssVar'] });
  return `${icons.iconStyles}\n${css}`;
}

export function antdStaticCss(theme: ThemeConfig): Plugin {
  let css: string | null = null;
  return {
    name: 'govmail:antd-static-css',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : null;
    },
    load(id) {
      if (id !== RESOLVED_ID) return null;
      css ??= extractAntdCss(theme);
      return css;
    },
  };
}
