/** Registry failures, with the registry's own error code and message when it sent one. */

export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    message: string,
    readonly status: number,
    readonly code = ''
  ) {
    super(message);
  }
}

/** Reads a failed response's `{"errors":[{code,message}]}` body into a RegistryError. */
export async function registryError(res: Response, what: string): Promise<RegistryError> {
  let code = '';
  let detail = res.statusText;
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    code = body.errors?.[0]?.code ?? '';
    detail = [code, body.errors?.[0]?.message].filter(Boolean).join(': ') || detail;
  } catch {
    if (text) detail = text.slice(0, 200);
  }
  return new RegistryError(`${what}: ${res.status} ${detail}`.trim(), res.status, code);
}

/** Reads and drops a body so that the connection can be reused. */
export async function drain(res: Response): Promise<void> {
  await res.arrayBuffer().catch(() => undefined);
}
