// Starts @20minutes/s3rver on loopback. The package ships a library, not a CLI, so this wraps it.
// Usage: node --openssl-legacy-provider s3rver-launch.js <directory> <port>
'use strict'
const S3rver = require('@20minutes/s3rver')

const [directory, port] = process.argv.slice(2)
if (!directory || !port) {
  console.error('usage: s3rver-launch.js <directory> <port>')
  process.exit(2)
}

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  // SigV4 signatures over aws-chunked bodies do not always match what s3rver recomputes.
  allowMismatchedSignatures: true,
  configureBuckets: [{ name: 'backups' }],
})

server.run().then(
  (addr) => console.log(`s3rver listening on ${addr.address}:${addr.port}`),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close().then(() => process.exit(0)))
