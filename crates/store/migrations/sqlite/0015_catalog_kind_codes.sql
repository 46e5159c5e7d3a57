-- A catalog's kind is stored as its code (the catalog file's own value), as every other
-- kind and status is; rows written before were the enum's Rust name.
UPDATE catalogs SET kind = CASE kind
    WHEN 'Guideline' THEN 'guideline'
    WHEN 'CyberChecklist' THEN 'cyber_checklist'
    WHEN 'RoleSharing' THEN 'role_sharing'
    WHEN 'Bcp' THEN 'bcp'
    WHEN 'Disclosure' THEN 'disclosure'
    ELSE kind
END;
