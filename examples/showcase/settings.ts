import { defineSettings } from '@tao/core'

// The showcase runs in debug mode so that `npm start` needs no setup: tao makes a random
// secret key for each run (sessions end at restart). For production set TAO_DEBUG=false and
// TAO_SECRET_KEY in .env (see .env.example); the key is never committed.
export default defineSettings({
  debug: true,
  allowedHosts: ['localhost', '127.0.0.1'],
  server: {
    port: 8080,
  },
  // Served in English and French: the layout has a switcher (a cookie), and a French
  // browser gets French by itself (Accept-Language). Catalogs: apps/*/locales and locales/.
  languages: ['en', 'fr'],
  timeZone: 'Europe/Paris',
  websocket: {
    // Chat messages are small: a larger frame closes the socket (1009) before any code runs.
    maxMessageSize: '4kb',
  },
  // Users and sign-in (/accounts/), and the admin over the apps' models (/admin/): make a
  // superuser with `npx tao createuser --superuser`.
  auth: true,
  admin: true,
})
