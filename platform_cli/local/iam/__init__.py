"""IAM-true local AWS: every request moto serves is authorised as IAM would (``hook.install``), strict or
permissive (``mode``), each decision logged (``log``).

Pure evaluation (``policy``, ``conditions``, ``evaluator``) knows nothing of moto; ``principals``,
``resource_policies`` and ``hook`` read moto's backends from outside, as ``moto_ext`` does.
"""
