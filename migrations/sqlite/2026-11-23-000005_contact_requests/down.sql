DROP TABLE contact_form_hits;
DROP TABLE outbox_mails;
DROP TABLE contact_request_events;
DROP TABLE contact_requests;
