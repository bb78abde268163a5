# One image for the app, the indexer and the migrations (see deploy/compose.yaml).
# Not exercised by CI: there is no Docker engine on the CI machines.
FROM node:20-bookworm-slim

WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1

# Dependencies first (cached while package-lock.json is unchanged); the postinstall step
# generates the Prisma client from the schema, so the schema comes with them.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund

COPY . .
RUN npm run build

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DEVNET=false \
    DATA_DIR=/var/lib/provenance
# Next writes its cache under .next at run time; the data directory holds the audit key file.
RUN mkdir -p /var/lib/provenance && chown -R node:node /var/lib/provenance /app/.next
USER node
EXPOSE 3000

# The dashboard; the indexer and the migrations run the same image with another command.
CMD ["node", "--import", "tsx", "scripts/serve.ts"]
