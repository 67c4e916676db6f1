"""The district's configuration: what a district edits rather than the code, and what task
packages will carry to its townships — the printed forms' texts and settings (``templates``),
the agreement settings (``agreement_settings``) and the rules for suggested next steps
(``suggestion_rules``).  Plain files in ``resources/``, overridden from the data folder."""
