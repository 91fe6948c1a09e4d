-- An administrator's reopening of a day closed early by mistake is in the administrators' log too.
ALTER TABLE "admin_actions" DROP CONSTRAINT "admin_actions_action_check";
ALTER TABLE "admin_actions" ADD CONSTRAINT "admin_actions_action_check"
  CHECK ("action" IN ('halt', 'resume', 'end_of_day', 'reopen', 'suspend', 'reinstate', 'revoke_key', 'end_sessions'));
