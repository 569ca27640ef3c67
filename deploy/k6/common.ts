// Settings shared by the scripts: point them at the gateway with -e BASE_URL=http://... (default: the local demo).
export const baseUrl: string = __ENV.BASE_URL || 'http://127.0.0.1:8080';
export const path: string = __ENV.PATH_UNDER_TEST || '/predict';
export const body: string = __ENV.BODY || JSON.stringify({ inputs: [[0.1, 0.2, 0.3]] });
export const jsonHeaders = { headers: { 'Content-Type': 'application/json' } };
