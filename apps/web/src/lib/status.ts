import { createIsomorphicFn } from '@tanstack/react-start';
import { setResponseStatus } from '@tanstack/react-start/server';

/** Sets the HTTP status of the server-rendered page; nothing in the browser. */
export const setSsrStatus = createIsomorphicFn()
  .server((code: number) => setResponseStatus(code))
  .client((_code: number) => {});
