-- Rotating a webhook secret keeps the previous one signing for a while (both signatures go in
-- the header), so a merchant can switch verifiers without losing notifications.
ALTER TABLE organizations ADD COLUMN previous_webhook_secret text CHECK (previous_webhook_secret IS NULL OR previous_webhook_secret LIKE 'whsec\_%');
ALTER TABLE organizations ADD COLUMN previous_secret_expires_at timestamptz;
