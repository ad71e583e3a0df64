export { changePasswordSchema, settingsViewSchema, updateSettingsSchema, type SettingsView } from '../../../../common/schemas/webmail.js';
