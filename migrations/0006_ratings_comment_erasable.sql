-- 0006: a rating's comment is the visitor's free text and may name people, so the retention purge
-- and a deletion request must be able to erase it. Ratings stay immutable otherwise: the trigger
-- now lets exactly one change through, the comment set to NULL with every other column unchanged.

DROP TRIGGER ratings_no_update;

CREATE TRIGGER ratings_no_update BEFORE UPDATE ON ratings
WHEN NOT (
    NEW.comment IS NULL
    AND NEW.id = OLD.id AND NEW.ticket_id = OLD.ticket_id AND NEW.service = OLD.service
    AND NEW.service_day = OLD.service_day AND NEW.desk IS OLD.desk AND NEW.staff_id IS OLD.staff_id
    AND NEW.issued_at = OLD.issued_at AND NEW.called_at IS OLD.called_at
    AND NEW.started_at IS OLD.started_at AND NEW.finished_at IS OLD.finished_at
    AND NEW.score = OLD.score AND NEW.reasons = OLD.reasons AND NEW.channel = OLD.channel
    AND NEW.rated_at = OLD.rated_at
)
BEGIN
    SELECT RAISE(ABORT, 'ratings are immutable (only the comment may be erased)');
END;
