/**
 * `POST /api/uploads` (multipart, one file): an attachment for a message being written, up to
 * the size a whole message may have (`smtp.maxMessageBytes`, the same limit as SMTP and IMAP
 * APPEND); answered with the upload's id, which only this account can use (webmail/upload-store.ts).
 * `DELETE /api/uploads/:id` removes one the user took off again before sending.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import type { Services } from '../../../services.js';
import { sessionOf } from '../../plugins/sessions.js';
import { UploadTooLargeError, type UploadStore } from '../../webmail/upload-store.js';
import type { UploadView } from './schema.js';

export type UploadRoutesOptions = { services: Services; uploads: UploadStore };

export async function uploadRoutes(app: FastifyInstance, { services, uploads }: UploadRoutesOptions): Promise<void> {
  const maxBytes = services.config.smtp.maxMessageBytes;
  // Encapsulated: only this plugin's routes accept multipart bodies.
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 1024, parts: 11, headerPairs: 100 } });

  app.post('/uploads', async (request, reply): Promise<UploadView> => {
    const { account } = sessionOf(request);
    if (!request.isMultipart()) throw new ApiError('unsupported_media_type');
    const file = await request.file();
    if (!file) throw new ApiError('validation', '请选择要上传的文件', { issues: [{ path: 'file', message: '请选择要上传的文件' }] });
    await uploads.sweep(account.id);
    try {
      const { createdAt: _createdAt, ...view } = await uploads.save(account.id, { filename: file.filename, mimetype: file.mimetype, stream: file.file });
      reply.code(201);
      return view;
    } catch (err) {
      if (err instanceof UploadTooLargeError || (err as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new ApiError('payload_too_large', `附件大小超过上限（${Math.floor(maxBytes / 1024 / 1024)} MB）`);
      }
      throw err;
    }
  });

  app.delete<{ Params: { id: string } }>('/uploads/:id', async (request, reply) => {
    const { account } = sessionOf(request);
    if (!(await uploads.exists(account.id, request.params.id))) throw new ApiError('not_found');
    await uploads.remove(account.id, request.params.id);
    return reply.code(204).send();
  });
}
