DELETE FROM users WHERE role = 'reader';
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('consultant', 'manager', 'admin'));
