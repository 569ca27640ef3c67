// Spike: from a base load to ten times it in seconds and back; the gateway must not fail requests while it scales.
// k6 run -e BASE_URL=http://gateway -e BASE_RATE=50 deploy/k6/spike.ts
import http from 'k6/http';
import { check } from 'k6';
import { Options } from 'k6/options';
import { baseUrl, body, jsonHeaders, path } from './common.ts';

const baseRate = Number(__ENV.BASE_RATE || 50);

export const options: Options = {
  scenarios: {
    spike: {
      executor: 'ramping-arrival-rate',
      startRate: baseRate,
      timeUnit: '1s',
      preAllocatedVUs: baseRate,
      maxVUs: baseRate * 20,
      stages: [
        { target: baseRate, duration: '1m' },
        { target: baseRate * 10, duration: '10s' },
        { target: baseRate * 10, duration: '2m' },
        { target: baseRate, duration: '10s' },
        { target: baseRate, duration: '1m' },
      ],
    },
  },
  thresholds: {
    // Rate limits may answer 429 on purpose; anything else failing is a gateway problem.
    'http_req_failed{expected_response:false}': ['rate<0.01'],
    http_req_duration: ['p(99)<1000'],
  },
};

http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 429));

export default function (): void {
  const response = http.post(`${baseUrl}${path}`, body, jsonHeaders);
  check(response, { 'answered': (r) => r.status === 200 || r.status === 429 });
}
