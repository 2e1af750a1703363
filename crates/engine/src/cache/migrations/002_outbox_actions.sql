-- Outbox actions as one `ChannelAction`: a row written as
--   {"kind": "assign", "member": …, "expected": {…}}
-- becomes
--   {"kind": "act", "action": "assign", "member": …, "expected": {…}}
-- (the action's fields stay where they are). Messages (`sendMessage`) are unchanged; so is
-- the `kind` column, which keeps the action's name.
UPDATE outbox
SET payload = json_set(payload, '$.action', json_extract(payload, '$.kind'), '$.kind', 'act')
WHERE json_extract(payload, '$.kind') IN
    ('assign', 'escalate', 'resolve', 'reopen', 'archive', 'updateTicket');
