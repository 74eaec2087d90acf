"""The case system's core: e-service requests become cases with marks, fees, deadlines,
states and an audit trail. No web code here.
"""
