import { describe, expect, it } from 'vitest';
import { ApiError, ERROR_CATALOGUE, ERROR_CODES, errorBodySchema, isErrorCode } from './errors.js';

describe('the error catalogue', () => {
  it('has stable dotted snake_case codes, HTTP error statuses and a zh-CN message for each', () => {
    for (const code of ERROR_CODES) {
      const { status, message } = ERROR_CATALOGUE[code];
      expect(code).toMatch(/^[a-z_]+(\.[a-z_]+)?$/);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
      expect(message, code).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('keeps the codes clients depend on, with their statuses', () => {
    expect(ERROR_CATALOGUE['auth.invalid_credentials'].status).toBe(401);
    expect(ERROR_CATALOGUE['auth.required'].status).toBe(401);
    expect(ERROR_CATALOGUE.validation.status).toBe(400);
    expect(ERROR_CATALOGUE.csrf.status).toBe(403);
    expect(ERROR_CATALOGUE.not_found.status).toBe(404);
    expect(ERROR_CATALOGUE.rate_limited.status).toBe(429);
    expect(ERROR_CATALOGUE.internal.status).toBe(500);
  });

  it('builds the wire body from an ApiError, with the catalogue message unless given one', () => {
    const plain = new ApiError('csrf');
    expect(plain.statusCode).toBe(403);
    expect(errorBodySchema.parse(plain.toBody())).toEqual({ error: { code: 'csrf', message: ERROR_CATALOGUE.csrf.message } });
    const specific = new ApiError('validation', '地址格式不正确', { issues: [{ path: 'address', message: '格式不正确' }] });
    expect(specific.toBody()).toEqual({ error: { code: 'validation', message: '地址格式不正确', issues: [{ path: 'address', message: '格式不正确' }] } });
  });

  it('recognises its own codes only', () => {
    expect(isErrorCode('not_found')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(404)).toBe(false);
  });
});
