-- Head office, once, as the owner of the roll-up database, after the schema is applied
-- (head_office::schema::migrate): each branch's role may add only its own facts and read or
-- change only its own row of `branches`. The owner (head office's own service) is not bound by
-- these policies; a branch role is given no other right on the database.
--   psql -d rollup -f head-office-policies.sql
ALTER TABLE facts ENABLE ROW LEVEL SECURITY;
ALTER TABLE branches ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_adds_its_own_facts ON facts FOR INSERT WITH CHECK (branch = current_user);
-- INSERT ... ON CONFLICT checks the new row against the SELECT policies too.
CREATE POLICY branch_sees_its_own_facts ON facts FOR SELECT USING (branch = current_user);
CREATE POLICY branch_keeps_its_own_row ON branches FOR ALL
    USING (id = current_user) WITH CHECK (id = current_user);
