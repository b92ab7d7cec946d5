"""After the site: the hearing 听取汇报, the use of results, feedback 反馈 and rectification 整改."""
