/// <reference types="vite/client" />

/** Ant Design's CSS for our theme, written at build time (web/build/antd-static-css.ts). */
declare module 'virtual:antd.css';
