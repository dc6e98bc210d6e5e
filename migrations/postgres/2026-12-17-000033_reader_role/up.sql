-- A fourth role, "Læseadgang" (reader): colleagues who may look but not change.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('reader', 'consultant', 'manager', 'admin'));
