-- Head office, per branch: a login role named as the branch's `[branch] id`, which may only
-- insert facts (its own, by head-office-policies.sql) and keep its `branches` row. The branch's
-- shipper then connects with `user=<branch id>` and this password in its password_file.
--   psql -d rollup -v branch=riyadh-1 -v password="$(cat riyadh-1.password)" -f head-office-branch-role.sql
CREATE ROLE :"branch" LOGIN PASSWORD :'password';
GRANT CONNECT ON DATABASE :"DBNAME" TO :"branch";
GRANT USAGE ON SCHEMA public TO :"branch";
GRANT INSERT ON facts TO :"branch";
-- ON CONFLICT (branch, seq) needs to read its key columns (of its own rows only, by the policies).
GRANT SELECT (branch, seq) ON facts TO :"branch";
GRANT SELECT, INSERT, UPDATE ON branches TO :"branch";
