"""When an act becomes executory and until when it can be challenged.

CGCT L2131-1: an act is executory once made known (published, or notified
for individual acts) and, for acts of L2131-2, transmitted to the préfet;
the executory date is the later of the two.  CJA R421-1: the recours runs two
months (délai franc) from publication, or notification for individual acts.
"""

from __future__ import annotations

from datetime import date

from registre.domain.model import Act, ActType, Resultat, TransmissionStatus, Vote


def possible_results(vote: Vote) -> tuple[Resultat, ...]:
    """Outcomes the votes allow (L2121-20 CGCT): adopted by the majority of the votes cast
    (abstentions do not count); on a tie the president's casting vote decides, except in a
    secret ballot (then rejected), so a tie allows both; no vote cast for it, never adopted."""
    if vote.pour > vote.contre:
        return (Resultat.ADOPTEE,)
    if vote.pour == vote.contre and vote.pour > 0:
        return (Resultat.ADOPTEE, Resultat.REJETEE)
    return (Resultat.REJETEE,)


def resultat(act: Act) -> Resultat | None:
    """A délibération's outcome: as written, else the only one its votes allow, else (no
    vote recorded) adopted.  None for other acts, and for a tie left unsaid (an error)."""
    if act.type is not ActType.DELIBERATION:
        return None
    if act.resultat is not None:
        return act.resultat
    if act.vote is None:
        return Resultat.ADOPTEE
    possible = possible_results(act.vote)
    return possible[0] if len(possible) == 1 else None


def is_rejected(act: Act) -> bool:
    """A délibération the council rejected: published, but it decides nothing."""
    return resultat(act) is Resultat.REJETEE


def made_known(act: Act) -> date | None:
    """Publication, or notification for an individual act.  Under the modes of publicity of
    communes under 3,500 inhabitants (L2131-1 IV CGCT), publication is the posting at the
    mairie (``affichage``) or the paper publication (``publication`` with ``mode: papier``);
    the online text is then published for information only."""
    if act.is_individual:
        return act.notification
    if act.affichage is not None:
        return act.affichage
    return act.publication


def legal_publicity(act: Act) -> tuple[str, date] | None:
    """(« affichage » or « papier », date) when the act was made known otherwise than by its
    publication on the website (L2131-1 IV CGCT); None for electronic publication and for
    individual acts (notified)."""
    if act.is_individual:
        return None
    if act.affichage is not None:
        return ("affichage", act.affichage)
    if act.publication_papier and act.publication is not None:
        return ("papier", act.publication)
    return None


def executory_date(act: Act) -> date | None:
    """Date the act became executory, or None while it is not (never, if rejected)."""
    if act.type is ActType.DELIBERATION and is_rejected(act):
        return None
    known = made_known(act)
    if known is None:
        return None
    status = act.transmission.status
    if status is TransmissionStatus.EN_ATTENTE:
        return None
    if status is TransmissionStatus.TRANSMIS:
        assert act.transmission.date is not None
        return max(known, act.transmission.date)
    return known


def is_online(act: Act, today: date) -> bool:
    """Put online on the public site: its publication date has come."""
    return act.publication is not None and act.publication <= today


def changes_in_force(act: Act, today: date) -> bool:
    """Whether what ``act`` modifies, abrogates, retires or rectifies has taken effect: the act
    is online and executory (L2131-1 CGCT); one awaiting its transmission, or rejected, changes
    nothing yet."""
    executory = executory_date(act)
    return is_online(act, today) and executory is not None and executory <= today


def is_scheduled(act: Act, today: date) -> bool:
    return act.publication is not None and act.publication > today
