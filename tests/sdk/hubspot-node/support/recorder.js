'use strict';
// A loopback HTTP proxy that forwards every request to crmd unchanged and records its method
// and URL, so a test can see which pages the SDK's helpers asked for. (The SDK's own
// `middleware` option is not applied by @hubspot/api-client 13.x: its generated API classes
// only run middleware passed per call.)

const http = require('node:http');

/** Starts a recorder in front of `targetBaseUrl`; `requests` fills as the client calls. */
function startRecorder(targetBaseUrl) {
  const target = new URL(targetBaseUrl);
  const requests = [];
  const server = http.createServer((incoming, outgoing) => {
    requests.push({ method: incoming.method, url: new URL(incoming.url, targetBaseUrl) });
    const forwarded = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', (error) => outgoing.destroy(error));
    incoming.pipe(forwarded);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        baseUrl: `http://127.0.0.1:${server.address().port}`,
        requests,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

module.exports = { startRecorder };
