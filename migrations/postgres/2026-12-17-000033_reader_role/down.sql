-- Readers become deactivated consultants: their rows elsewhere (audit, access log) stay theirs.
UPDATE users SET role = 'consultant', active = FALSE WHERE role = 'reader';
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('consultant', 'manager', 'admin'));
