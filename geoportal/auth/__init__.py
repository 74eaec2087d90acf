"""Staff accounts: who may sign in to the staff console, with which roles.

``roles`` names the roles, ``passwords`` hashes and checks passwords (argon2id),
``staff`` keeps the accounts in ``auth.staff_user``, ``cli`` adds ``geoportal staff``.
"""
