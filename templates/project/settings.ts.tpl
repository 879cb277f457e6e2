import { defineSettings } from '@tao/core'

// Settings of %project_name%. Environment variables override them: TAO_PORT, TAO_HOST,
// TAO_DEBUG, TAO_SECRET_KEY (kept in .env, never committed), TAO_DATABASE_URL ...
// See the settings reference in tao's docs for every key.
export default defineSettings({
  debug: false,
  allowedHosts: ['localhost', '127.0.0.1'],
  server: {
    port: 8080,
  },
})
