-- Refresh the planner statistics of the table.
ANALYZE {{table}}
